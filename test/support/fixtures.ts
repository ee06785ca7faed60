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

/**
 * A logged-in browser: sends the session cookie, and the CSRF header on writes. Like a browser, it
 * keeps the `csrftoken` cookie a response sets (the token is rotated at re-authentication).
 */
export class SessionClient {
  constructor(
    private readonly app: INestApplication,
    readonly sessionId: string,
    public csrfToken: string,
  ) {}

  private cookie = () => `${SESSION_COOKIE}=${this.sessionId}; ${CSRF_COOKIE}=${this.csrfToken}`;

  private absorb = (res: { headers: Record<string, unknown> }) => {
    const set = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
    const csrf = set.find((c) => c.startsWith(`${CSRF_COOKIE}=`));
    const value = csrf ? decodeURIComponent(csrf.split(';')[0]!.slice(CSRF_COOKIE.length + 1)) : '';
    if (value) this.csrfToken = value;
  };

  private send(method: 'get' | 'delete' | 'post' | 'patch' | 'put', path: string) {
    const req = request(this.app.getHttpServer())[method](path).set('Cookie', this.cookie());
    req.on('response', this.absorb);
    return method === 'get' ? req : req.set('X-CSRFToken', this.csrfToken);
  }

  get(path: string) {
    return this.send('get', path);
  }
  delete(path: string) {
    return this.send('delete', path);
  }
  post(path: string, body?: object) {
    return this.send('post', path).send(body);
  }
  patch(path: string, body?: object) {
    return this.send('patch', path).send(body);
  }
  put(path: string, body?: object) {
    return this.send('put', path).send(body);
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
