import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser, DEFAULT_PASSWORD, login, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { keysMatching } from '../../support/redis.js';

const INVALID_LOGIN = { type: 'authentication_error', code: 'authentication_failed', detail: 'Invalid email or password.', attr: null };
const NOT_AUTHENTICATED = { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null };
const THROTTLED_DETAIL = /^Request was throttled\. Expected available in (\d+) seconds?\.$/;

const cookiesOf = (res: { headers: Record<string, unknown> }) => ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
const cookie = (res: { headers: Record<string, unknown> }, name: string) => cookiesOf(res).find((c) => c.startsWith(`${name}=`));
const attributes = (setCookie: string | undefined) => (setCookie ?? '').split(';').slice(1).map((a) => a.trim().toLowerCase());

describe('sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());
  const age = async (sessionId: string, ageMs: number) => {
    const raw = JSON.parse((await t.redis.get(`session:${sessionId}`))!);
    raw.createdAt = Date.now() - ageMs;
    raw.reauthAt = null;
    await t.redis.set(`session:${sessionId}`, JSON.stringify(raw), 'KEEPTTL');
  };

  const orgCount = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM organizations'))[0].n);

  describe('POST /api/login', () => {
    it('returns the user body and sets an HttpOnly Lax session cookie and a readable csrftoken', async () => {
      const user = await createUser(t.app, { firstName: 'Ada' });
      const res = await t.http().post('/api/login').send({ email: user.email.toUpperCase(), password: DEFAULT_PASSWORD }).expect(200);
      expect(res.body).toMatchObject({ uuid: user.uuid, email: user.email, first_name: 'Ada' });
      expect(res.body).not.toHaveProperty('password');
      expect(typeof res.body.sensitive_session_expires_at).toBe('string');

      const session = attributes(cookie(res, 'sessionid'));
      expect(session).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
      expect(session).not.toContain('secure');
      // Max-Age and Expires both, for the session's lifetime (14 days by default), as Django sends them.
      expect(session).toContain(`max-age=${14 * 24 * 3600}`);
      const expires = Date.parse(session.find((a) => a.startsWith('expires='))!.slice('expires='.length));
      expect(Math.abs(expires - (Date.now() + 14 * 24 * 3600 * 1000))).toBeLessThan(60_000);
      const csrf = attributes(cookie(res, 'csrftoken'));
      expect(csrf).toContain('samesite=lax');
      expect(csrf).not.toContain('httponly');
      expect(csrf).not.toContain('secure');

      const sessionId = cookie(res, 'sessionid')!.split(';')[0]!.split('=')[1]!;
      const stored = JSON.parse((await t.redis.get(`session:${sessionId}`))!);
      expect(stored).toMatchObject({ userId: user.id });
      expect(Math.abs(stored.createdAt - Date.now())).toBeLessThan(5000);
      // A login is an authentication, so it is also the session's latest re-auth.
      expect(stored.reauthAt).toBe(stored.createdAt);
      expect(await t.redis.ttl(`session:${sessionId}`)).toBeGreaterThan(14 * 24 * 3600 - 10);
    });

    it('does not mark cookies Secure for X-Forwarded-Proto when the proxy is not trusted', async () => {
      const user = await createUser(t.app);
      const res = await t.http().post('/api/login').set('X-Forwarded-Proto', 'https').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
      expect(attributes(cookie(res, 'sessionid'))).not.toContain('secure');
    });

    it('slides the session TTL forward on use', async () => {
      const { client } = await loggedInUser(t.app);
      await t.redis.expire(`session:${client.sessionId}`, 100);
      await client.get('/api/users/@me').expect(200);
      expect(await t.redis.ttl(`session:${client.sessionId}`)).toBeGreaterThan(14 * 24 * 3600 - 10);
    });

    it('answers a wrong password, an unknown email and an inactive user with the same 401', async () => {
      const user = await createUser(t.app);
      const inactive = await createUser(t.app, {});
      await t.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [inactive.id]);
      const wrong = await t.http().post('/api/login').send({ email: user.email, password: 'not-the-password' }).expect(401);
      expect(wrong.body).toEqual(INVALID_LOGIN);
      const unknown = await t.http().post('/api/login').send({ email: 'nobody@example.com', password: DEFAULT_PASSWORD }).expect(401);
      expect(unknown.body).toEqual(INVALID_LOGIN);
      const off = await t.http().post('/api/login').send({ email: inactive.email, password: DEFAULT_PASSWORD }).expect(401);
      expect(off.body).toEqual(INVALID_LOGIN);
      expect(cookiesOf(wrong)).toEqual([]);
      expect(await keysMatching(t.redis, 'session:*')).toEqual([]);
    });

    it('refuses a user without a password', async () => {
      const user = await createUser(t.app, { password: null });
      const res = await t.http().post('/api/login').send({ email: user.email, password: 'anything-at-all' }).expect(401);
      expect(res.body).toEqual(INVALID_LOGIN);
    });

    it('requires email and password', async () => {
      const noEmail = await t.http().post('/api/login').send({ password: 'x' }).expect(400);
      expect(noEmail.body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'email' });
      const noPassword = await t.http().post('/api/login').send({ email: 'a@example.com' }).expect(400);
      expect(noPassword.body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'password' });
    });

    it('throttles 10 attempts a minute per email, with Retry-After', async () => {
      const user = await createUser(t.app);
      for (let i = 0; i < 10; i++) {
        await t.http().post('/api/login').send({ email: user.email, password: `wrong-${i}` }).expect(401);
      }
      // Even the right password is refused now, and the email is matched case-insensitively.
      const res = await t.http().post('/api/login').send({ email: user.email.toUpperCase(), password: DEFAULT_PASSWORD }).expect(429);
      expect(res.body).toMatchObject({ type: 'throttled_error', code: 'throttled', attr: null });
      const [, seconds] = THROTTLED_DETAIL.exec(res.body.detail)!;
      expect(Number(seconds)).toBeGreaterThan(0);
      expect(Number(seconds)).toBeLessThanOrEqual(60);
      expect(res.headers['retry-after']).toBe(seconds);
      expect(cookiesOf(res)).toEqual([]);
      // Another email from the same IP is still allowed.
      const other = await createUser(t.app);
      await t.http().post('/api/login').send({ email: other.email, password: DEFAULT_PASSWORD }).expect(200);
    });

    it('throttles 30 attempts a minute per IP, whatever the email', async () => {
      for (let i = 0; i < 30; i++) {
        await t.http().post('/api/login').send({ email: `nobody-${i}@example.com`, password: 'x' }).expect(401);
      }
      const user = await createUser(t.app);
      const res = await t.http().post('/api/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(429);
      expect(res.body.detail).toMatch(THROTTLED_DETAIL);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  describe('POST /api/logout', () => {
    it('deletes the session and answers 204', async () => {
      const { client } = await loggedInUser(t.app);
      const res = await client.post('/api/logout').expect(204);
      expect(res.text).toBe('');
      expect(await t.redis.get(`session:${client.sessionId}`)).toBeNull();
      expect((await client.get('/api/users/@me').expect(401)).body).toEqual(NOT_AUTHENTICATED);
    });

    it('needs the CSRF header, and keeps the session without it', async () => {
      const { client } = await loggedInUser(t.app);
      await t.http().post('/api/logout').set('Cookie', `sessionid=${client.sessionId}; csrftoken=${client.csrfToken}`).expect(403);
      await client.get('/api/users/@me').expect(200);
    });

    it('answers 401 without a session', async () => {
      expect((await t.http().post('/api/logout').expect(401)).body).toEqual(NOT_AUTHENTICATED);
    });
  });

  describe('POST /api/reauth', () => {
    it('reopens the sensitive-action window', async () => {
      const { client } = await loggedInUser(t.app);
      await age(client.sessionId, 3 * 3600 * 1000);
      const before = await client.get('/api/users/@me').expect(200);
      expect(Date.parse(before.body.sensitive_session_expires_at)).toBeLessThan(Date.now());

      await client.post('/api/reauth', { password: DEFAULT_PASSWORD }).expect(204);
      const stored = JSON.parse((await t.redis.get(`session:${client.sessionId}`))!);
      expect(Math.abs(stored.reauthAt - Date.now())).toBeLessThan(5000);
      const after = await client.get('/api/users/@me').expect(200);
      expect(Math.abs(Date.parse(after.body.sensitive_session_expires_at) - (Date.now() + 7200 * 1000))).toBeLessThan(5000);
    });

    it('refuses a wrong password and leaves the window closed', async () => {
      const { client } = await loggedInUser(t.app);
      await age(client.sessionId, 3 * 3600 * 1000);
      const res = await client.post('/api/reauth', { password: 'wrong-password' }).expect(400);
      expect(res.body).toEqual({ type: 'validation_error', code: 'incorrect_password', detail: 'Your current password is incorrect.', attr: 'password' });
      expect(JSON.parse((await t.redis.get(`session:${client.sessionId}`))!).reauthAt).toBeNull();
      // The wrong answer did not end the session.
      await client.get('/api/users/@me').expect(200);
    });

    it('requires the password', async () => {
      const { client } = await loggedInUser(t.app);
      const res = await client.post('/api/reauth', {}).expect(400);
      expect(res.body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'password' });
    });

    it('throttles password guesses at 5 a minute per user', async () => {
      const { client } = await loggedInUser(t.app);
      for (let i = 0; i < 5; i++) await client.post('/api/reauth', { password: `wrong-${i}` }).expect(400);
      const res = await client.post('/api/reauth', { password: DEFAULT_PASSWORD }).expect(429);
      expect(res.body.detail).toMatch(THROTTLED_DETAIL);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  describe('CSRF on session writes', () => {
    it.each([
      ['no header', (c: { csrfToken: string }) => ({ cookie: `csrftoken=${c.csrfToken}`, header: undefined }), 'CSRF Failed: CSRF token missing.'],
      ['a wrong header', (c: { csrfToken: string }) => ({ cookie: `csrftoken=${c.csrfToken}`, header: `${c.csrfToken}x` }), 'CSRF Failed: CSRF token incorrect.'],
      ['a same-length wrong header', (c: { csrfToken: string }) => ({ cookie: `csrftoken=${c.csrfToken}`, header: 'A'.repeat(c.csrfToken.length) }), 'CSRF Failed: CSRF token incorrect.'],
      // A sibling subdomain can plant a csrftoken cookie; a token that is not the session's is refused.
      ['a planted cookie and a matching header', () => ({ cookie: 'csrftoken=planted-token-0123456789', header: 'planted-token-0123456789' }), 'CSRF Failed: CSRF token incorrect.'],
    ])('refuses a session POST with %s (403, nothing written)', async (_case, build, detail) => {
      const { client } = await loggedInUser(t.app);
      const { cookie: extra, header } = build(client);
      let req = t.http().post('/api/organizations').set('Cookie', `sessionid=${client.sessionId}; ${extra}`);
      if (header !== undefined) req = req.set('X-CSRFToken', header);
      const res = await req.send({ name: 'Acme' }).expect(403);
      expect(res.body).toEqual({ type: 'authentication_error', code: 'permission_denied', detail, attr: null });
      expect(await orgCount()).toBe(0);
    });

    it('accepts a session write whose header matches the cookie, and reads without one', async () => {
      const { client } = await loggedInUser(t.app);
      await client.post('/api/organizations', { name: 'Acme' }).expect(201);
      expect(await orgCount()).toBe(1);
      await t.http().get('/api/organizations').set('Cookie', `sessionid=${client.sessionId}`).expect(200);
    });

    it('exempts API-key requests', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['organization:write']);
      await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).send({ name: 'Acme' }).expect(201);
    });
  });

  describe('sessions of users who are gone', () => {
    it('treats the session of a deactivated user as no session', async () => {
      const { user, client } = await loggedInUser(t.app);
      await t.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
      expect((await client.get('/api/users/@me').expect(401)).body).toEqual(NOT_AUTHENTICATED);
    });

    it('ignores a forged or unknown session id', async () => {
      await t.http().get('/api/users/@me').set('Cookie', 'sessionid=not-a-real-session-id-at-all-1234').expect(401);
      await t.http().get('/api/users/@me').set('Cookie', 'sessionid=../../etc').expect(401);
    });
  });
});

describe('sessions over https behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { TRUST_PROXY: 1 } });
  });
  afterAll(() => t.close());

  it('marks both cookies Secure when X-Forwarded-Proto is https', async () => {
    const user = await createUser(t.app);
    const res = await t.http().post('/api/login').set('X-Forwarded-Proto', 'https').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
    expect(attributes(cookie(res, 'sessionid'))).toContain('secure');
    expect(attributes(cookie(res, 'csrftoken'))).toContain('secure');
    const plain = await t.http().post('/api/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
    expect(attributes(cookie(plain, 'sessionid'))).not.toContain('secure');
  });

  it('throttles per client IP from X-Forwarded-For', async () => {
    for (let i = 0; i < 30; i++) {
      await t.http().post('/api/login').set('X-Forwarded-For', '203.0.113.7').send({ email: `n-${i}@example.com`, password: 'x' }).expect(401);
    }
    await t.http().post('/api/login').set('X-Forwarded-For', '203.0.113.7').send({ email: 'n-x@example.com', password: 'x' }).expect(429);
    await t.http().post('/api/login').set('X-Forwarded-For', '203.0.113.8').send({ email: 'n-x@example.com', password: 'x' }).expect(401);
  });

  it('still accepts a session client', async () => {
    const { client } = await loggedInUser(t.app);
    await login(t.app, (await createUser(t.app)).email);
    await client.get('/api/users/@me').expect(200);
  });
});
