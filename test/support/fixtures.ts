import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ApiKeysService, CSRF_COOKIE, SESSION_COOKIE, type Scope } from '#libs/auth';
import { OrganizationsService, type CreatedOrganization } from '#libs/organizations';
import { UsersService, type NewUser, type User } from '#libs/users';

export const DEFAULT_PASSWORD = 'correct-Horse-battery-7';

export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomBytes(4).toString('hex')}@example.com`;

export async function createUser(app: INestApplication, overrides: Partial<NewUser> = {}): Promise<User> {
  return app.get(UsersService).create({ email: uniqueEmail(), password: DEFAULT_PASSWORD, ...overrides });
}

/** A personal API key's plaintext value for `user`. */
export async function createApiKey(app: INestApplication, user: User, scopes: Scope[], label = 'test key'): Promise<string> {
  return (await app.get(ApiKeysService).create(user.id, { label, scopes })).value;
}

/** Creates an organization owned by `user` and makes it the user's current one. */
export async function createOrganization(app: INestApplication, user: User, name = 'Acme'): Promise<CreatedOrganization> {
  const created = await app.get(OrganizationsService).create(name, user.id);
  await app.get(UsersService).update(user, { currentOrganizationId: created.organization.id, currentTeamId: created.team.id });
  return created;
}

/** A logged-in browser: sends the session cookie, and the CSRF header on writes. */
export class SessionClient {
  constructor(
    private readonly app: INestApplication,
    readonly sessionId: string,
    readonly csrfToken: string,
  ) {}

  private cookie = () => `${SESSION_COOKIE}=${this.sessionId}; ${CSRF_COOKIE}=${this.csrfToken}`;

  get(path: string) {
    return request(this.app.getHttpServer()).get(path).set('Cookie', this.cookie());
  }
  delete(path: string) {
    return request(this.app.getHttpServer()).delete(path).set('Cookie', this.cookie()).set('X-CSRFToken', this.csrfToken);
  }
  post(path: string, body?: object) {
    return request(this.app.getHttpServer()).post(path).set('Cookie', this.cookie()).set('X-CSRFToken', this.csrfToken).send(body);
  }
  patch(path: string, body?: object) {
    return request(this.app.getHttpServer()).patch(path).set('Cookie', this.cookie()).set('X-CSRFToken', this.csrfToken).send(body);
  }
  put(path: string, body?: object) {
    return request(this.app.getHttpServer()).put(path).set('Cookie', this.cookie()).set('X-CSRFToken', this.csrfToken).send(body);
  }
}

/** Logs in over HTTP and returns a client carrying the cookies the server set. */
export async function login(app: INestApplication, email: string, password = DEFAULT_PASSWORD): Promise<SessionClient> {
  const res = await request(app.getHttpServer()).post('/api/login').send({ email, password }).expect(200);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const read = (name: string) => {
    const found = cookies.find((c) => c.startsWith(`${name}=`));
    if (!found) throw new Error(`login did not set ${name}`);
    return decodeURIComponent(found.split(';')[0]!.slice(name.length + 1));
  };
  return new SessionClient(app, read(SESSION_COOKIE), read(CSRF_COOKIE));
}

/** Creates a user and logs them in. */
export async function loggedInUser(app: INestApplication, overrides: Partial<NewUser> = {}) {
  const user = await createUser(app, overrides);
  return { user, client: await login(app, user.email) };
}
