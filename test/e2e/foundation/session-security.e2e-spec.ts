import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser, DEFAULT_PASSWORD, login, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { flushRedis, keysMatching } from '../../support/redis.js';

const NOT_AUTHENTICATED = { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null };
const SESSION_ONLY = { type: 'authentication_error', code: 'authentication_failed', detail: 'This action requires a browser session.', attr: null };
const CSRF_INCORRECT = { type: 'authentication_error', code: 'permission_denied', detail: 'CSRF Failed: CSRF token incorrect.', attr: null };
const DAY_S = 24 * 3600;

const setCookie = (res: { headers: Record<string, unknown> }, name: string) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
const cookieValue = (c: string | undefined) => (c ? decodeURIComponent(c.split(';')[0]!.split('=')[1]!) : undefined);
const maxAge = (c: string | undefined) => Number(/max-age=(\d+)/i.exec(c ?? '')?.[1]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const throttleIp = async (t: TestApp, xff: string) => {
  for (let i = 0; i < 30; i++) {
    await t.http().post('/api/login').set('X-Forwarded-For', xff).send({ email: `n-${i}@example.com`, password: 'x' }).expect(401);
  }
};
const attempt = (t: TestApp, xff: string | undefined) => {
  const req = t.http().post('/api/login');
  if (xff !== undefined) req.set('X-Forwarded-For', xff);
  return req.send({ email: 'n-x@example.com', password: 'x' });
};

describe('session security', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());
  const stored = async (id: string) => JSON.parse((await t.redis.get(`session:${id}`))!);
  const patchStored = async (id: string, change: Record<string, unknown>) =>
    t.redis.set(`session:${id}`, JSON.stringify({ ...(await stored(id)), ...change }), 'KEEPTTL');
  const orgCount = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM organizations'))[0].n);

  describe('the CSRF token belongs to the session', () => {
    it('is stored in the session and sent as the csrftoken cookie at login', async () => {
      const { client } = await loggedInUser(t.app);
      expect((await stored(client.sessionId)).csrfToken).toBe(client.csrfToken);
      expect(client.csrfToken.length).toBeGreaterThanOrEqual(32);
    });

    it("accepts the session's token in the header without any csrftoken cookie", async () => {
      const { client } = await loggedInUser(t.app);
      await t.http().post('/api/organizations').set('Cookie', `sessionid=${client.sessionId}`).set('X-CSRFToken', client.csrfToken).send({ name: 'Acme' }).expect(201);
    });

    it("refuses another session's token, even with a matching planted cookie", async () => {
      const { client } = await loggedInUser(t.app);
      const other = await loggedInUser(t.app);
      const res = await t
        .http()
        .post('/api/organizations')
        .set('Cookie', `sessionid=${client.sessionId}; csrftoken=${other.client.csrfToken}`)
        .set('X-CSRFToken', other.client.csrfToken)
        .send({ name: 'Acme' })
        .expect(403);
      expect(res.body).toEqual(CSRF_INCORRECT);
      expect(await orgCount()).toBe(0);
    });

    it('is new at every login', async () => {
      const user = await createUser(t.app);
      const first = await login(t.app, user.email);
      const second = await login(t.app, user.email);
      expect(second.csrfToken).not.toBe(first.csrfToken);
      const res = await t.http().post('/api/organizations').set('Cookie', `sessionid=${second.sessionId}`).set('X-CSRFToken', first.csrfToken).send({ name: 'A' }).expect(403);
      expect(res.body).toEqual(CSRF_INCORRECT);
    });

    it('is rotated by a re-auth: the old token is refused, the new one is in the cookie and GET /api/csrf/', async () => {
      const { client } = await loggedInUser(t.app);
      const old = client.csrfToken;
      const res = await client.post('/api/reauth', { password: DEFAULT_PASSWORD }).expect(204);
      const fresh = cookieValue(setCookie(res, 'csrftoken'))!;
      expect(fresh).toBeTruthy();
      expect(fresh).not.toBe(old);
      expect(setCookie(res, 'csrftoken')).not.toMatch(/httponly/i);
      expect((await stored(client.sessionId)).csrfToken).toBe(fresh);
      const refused = await t.http().post('/api/organizations').set('Cookie', `sessionid=${client.sessionId}`).set('X-CSRFToken', old).send({ name: 'A' }).expect(403);
      expect(refused.body).toEqual(CSRF_INCORRECT);
      expect((await client.get('/api/csrf/').expect(200)).body).toEqual({ csrftoken: fresh });
      await client.post('/api/organizations', { name: 'A' }).expect(201);
    });

    it('a wrong re-auth password keeps the token', async () => {
      const { client } = await loggedInUser(t.app);
      const before = client.csrfToken;
      await client.post('/api/reauth', { password: 'wrong-password' }).expect(400);
      expect((await stored(client.sessionId)).csrfToken).toBe(before);
    });
  });

  describe('GET /api/csrf/', () => {
    it("answers the session's token, with or without the trailing slash", async () => {
      const { client } = await loggedInUser(t.app);
      expect((await client.get('/api/csrf/').expect(200)).body).toEqual({ csrftoken: client.csrfToken });
      expect((await client.get('/api/csrf').expect(200)).body).toEqual({ csrftoken: client.csrfToken });
    });

    it('answers an API key with the session-only 401, and no credentials with not_authenticated', async () => {
      const key = await createApiKey(t.app, await createUser(t.app), ['*']);
      expect((await t.http().get('/api/csrf/').set('Authorization', `Bearer ${key}`).expect(401)).body).toEqual(SESSION_ONLY);
      expect((await t.http().get('/api/csrf/').expect(401)).body).toEqual(NOT_AUTHENTICATED);
    });

    it('gives a session stored without a token one, which then works', async () => {
      const { client } = await loggedInUser(t.app);
      const raw = await stored(client.sessionId);
      delete raw.csrfToken;
      await t.redis.set(`session:${client.sessionId}`, JSON.stringify(raw), 'KEEPTTL');
      const token = (await client.get('/api/csrf/').expect(200)).body.csrftoken as string;
      expect(token.length).toBeGreaterThanOrEqual(32);
      await t.http().post('/api/organizations').set('Cookie', `sessionid=${client.sessionId}`).set('X-CSRFToken', token).send({ name: 'A' }).expect(201);
    });
  });

  describe('personal API keys from a stale session', () => {
    it('refuses to create or delete a key outside the re-auth window, and allows it after /api/reauth', async () => {
      const { user, client } = await loggedInUser(t.app);
      await createApiKey(t.app, user, ['user:read']);
      const [row] = await t.dataSource.query('SELECT id FROM personal_api_keys');
      await patchStored(client.sessionId, { createdAt: Date.now() - 3 * 3600 * 1000, reauthAt: null });
      const stale = await client.post('/api/personal_api_keys/', { label: 'root', scopes: ['*'] }).expect(403);
      expect(stale.body).toEqual({
        type: 'authentication_error',
        code: 'sensitive_action_required_reauth',
        detail: 'This action requires you to be recently authenticated.',
        attr: null,
      });
      expect((await client.delete(`/api/personal_api_keys/${row.id}/`).expect(403)).body.code).toBe('sensitive_action_required_reauth');
      expect((await t.dataSource.query('SELECT count(*)::int AS n FROM personal_api_keys'))[0].n).toBe(1);
      await client.post('/api/reauth', { password: DEFAULT_PASSWORD }).expect(204);
      await client.post('/api/personal_api_keys/', { label: 'root', scopes: ['*'] }).expect(201);
      await client.delete(`/api/personal_api_keys/${row.id}/`).expect(204);
    });
  });

  describe('sessions that ended', () => {
    it("refuses and deletes the session of a user who became inactive", async () => {
      const { user, client } = await loggedInUser(t.app);
      await t.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
      expect((await client.get('/api/users/@me').expect(401)).body).toEqual(NOT_AUTHENTICATED);
      expect(await t.redis.get(`session:${client.sessionId}`)).toBeNull();
      // Reactivating the user does not bring that session back.
      await t.dataSource.query('UPDATE users SET is_active = true WHERE id = $1', [user.id]);
      await client.get('/api/users/@me').expect(401);
    });

    it('answers an expired or deleted session with 401 not_authenticated, writes included', async () => {
      const { client } = await loggedInUser(t.app);
      await t.redis.del(`session:${client.sessionId}`);
      expect((await client.get('/api/users/@me').expect(401)).body).toEqual(NOT_AUTHENTICATED);
      expect((await client.patch('/api/users/@me/', { first_name: 'X' }).expect(401)).body).toEqual(NOT_AUTHENTICATED);
    });
  });

  describe('session lifetime', () => {
    it('slides 14 days, but never past 30 days after login', async () => {
      const { client } = await loggedInUser(t.app);
      // Logged in 20 days ago: 10 days left, not 14.
      await patchStored(client.sessionId, { createdAt: Date.now() - 20 * DAY_S * 1000 });
      await client.get('/api/users/@me').expect(200);
      const ttl = await t.redis.ttl(`session:${client.sessionId}`);
      expect(ttl).toBeLessThanOrEqual(10 * DAY_S);
      expect(ttl).toBeGreaterThan(10 * DAY_S - 30);
    });

    it('ends a session older than SESSION_MAX_AGE_S however recently it was used', async () => {
      const { client } = await loggedInUser(t.app);
      await patchStored(client.sessionId, { createdAt: Date.now() - 30 * DAY_S * 1000 - 1000 });
      expect((await client.get('/api/users/@me').expect(401)).body).toEqual(NOT_AUTHENTICATED);
      expect(await t.redis.get(`session:${client.sessionId}`)).toBeNull();
    });

    it('is not extended by a re-auth (the cookie and the stored TTL keep the login deadline)', async () => {
      const { client } = await loggedInUser(t.app);
      await patchStored(client.sessionId, { createdAt: Date.now() - 25 * DAY_S * 1000 });
      const res = await client.post('/api/reauth', { password: DEFAULT_PASSWORD }).expect(204);
      const left = 5 * DAY_S;
      expect(maxAge(setCookie(res, 'csrftoken'))).toBeLessThanOrEqual(left);
      expect(maxAge(setCookie(res, 'csrftoken'))).toBeGreaterThan(left - 30);
      expect(await t.redis.ttl(`session:${client.sessionId}`)).toBeLessThanOrEqual(left);
      expect((await stored(client.sessionId)).createdAt).toBeLessThan(Date.now() - 24 * DAY_S * 1000);
    });
  });

  describe('Cache-Control', () => {
    it('is no-store on every /api response: authenticated, public, errors, unknown routes', async () => {
      const { client } = await loggedInUser(t.app);
      const responses = await Promise.all([
        client.get('/api/users/@me'),
        client.get('/api/csrf/'),
        t.http().get('/api/health'),
        t.http().get('/api/users/@me'),
        t.http().get('/api/no-such-route'),
        t.http().post('/api/login').send({ email: 'nobody@example.com', password: 'x' }),
        t.http().get('/api/schema'),
      ]);
      for (const res of responses) expect([res.status, res.headers['cache-control']]).toEqual([res.status, 'no-store']);
    });
  });

  describe('public POSTs', () => {
    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'refuses a %s login (what a cross-site form can send) with 415, opening no session',
      async (type) => {
        const user = await createUser(t.app);
        const res = await t.http().post('/api/login').set('Content-Type', type).send(`email=${user.email}&password=${DEFAULT_PASSWORD}`).expect(415);
        expect(res.body).toMatchObject({ type: 'invalid_request', code: 'unsupported_media_type', attr: null });
        expect(setCookie(res, 'sessionid')).toBeUndefined();
        expect(await keysMatching(t.redis, 'session:*')).toEqual([]);
      },
    );

    it('needs no CSRF header, even from a browser that already has a session', async () => {
      const { user, client } = await loggedInUser(t.app);
      await t.http().post('/api/login').set('Cookie', `sessionid=${client.sessionId}`).send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
    });

    it('reads a login without a body as {}', async () => {
      const res = await t.http().post('/api/login').expect(400);
      expect(res.body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'email' });
    });
  });
});

describe('login timing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { TRUST_PROXY: 1 } });
  });
  afterAll(() => t.close());

  const timeLogin = async (email: string, i: number, tag: string) => {
    const started = process.hrtime.bigint();
    await t.http().post('/api/login').set('X-Forwarded-For', `198.51.100.${tag === 'known' ? i : 100 + i}`).send({ email, password: `wrong-${i}` }).expect(401);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };

  it('takes as long for an unknown email as for a known one with a wrong password (medians within 1.5x)', async () => {
    const user = await createUser(t.app);
    // One of each first, so neither side pays a one-off cost (the dummy hash, cold caches); the
    // known one with another user, as each email has 10 attempts a minute.
    await timeLogin((await createUser(t.app)).email, 50, 'known');
    await timeLogin('warm-up@example.com', 50, 'unknown');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 10; i++) {
      known.push(await timeLogin(user.email, i, 'known'));
      unknown.push(await timeLogin(`nobody-${i}@example.com`, i, 'unknown'));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(1 / 1.5);
    expect(ratio).toBeLessThan(1.5);
  });
});

describe('CORS for a frontend on another origin', () => {
  const FRONTEND = 'http://app.example.com';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { CORS_ORIGINS: [FRONTEND] } });
  });
  afterAll(() => t.close());

  it.each(['PATCH', 'PUT', 'DELETE', 'POST'])('lets an allowed origin preflight %s with X-CSRFToken and credentials', async (method) => {
    const res = await t
      .http()
      .options('/api/users/@me/')
      .set('Origin', FRONTEND)
      .set('Access-Control-Request-Method', method)
      .set('Access-Control-Request-Headers', 'content-type,x-csrftoken')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(res.headers['access-control-allow-headers']).toBe('Content-Type, X-CSRFToken, Authorization');
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('answers OPTIONS /api/health from an allowed origin as a preflight (no plain-text 400)', async () => {
    const res = await t.http().options('/api/health').set('Origin', FRONTEND).expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('gives any other origin no CORS header at all, and OPTIONS its JSON 405', async () => {
    const res = await t
      .http()
      .options('/api/health')
      .set('Origin', 'http://evil.example.com')
      .set('Access-Control-Request-Method', 'PATCH')
      .expect(405);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ type: 'invalid_request', code: 'method_not_allowed' });
    const plain = await t.http().options('/api/health').expect(405);
    expect(plain.headers['content-type']).toMatch(/^application\/json/);
    const get = await t.http().get('/api/health').set('Origin', 'http://evil.example.com').expect(200);
    expect(Object.keys(get.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('TRUST_PROXY', () => {
  describe('as a hop count (1)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ config: { TRUST_PROXY: 1 } });
    });
    beforeEach(() => t.reset());
    afterAll(() => t.close());

    it('takes the rightmost X-Forwarded-For: a forged leftmost entry does not escape the per-IP throttle', async () => {
      // The proxy appends the real client (203.0.113.7); the client varies what it sends itself.
      for (let i = 0; i < 30; i++) {
        await t.http().post('/api/login').set('X-Forwarded-For', `10.9.9.${i}, 203.0.113.7`).send({ email: `n-${i}@example.com`, password: 'x' }).expect(401);
      }
      expect((await attempt(t, '10.9.9.200, 203.0.113.7')).status).toBe(429);
      expect((await attempt(t, '203.0.113.8')).status).toBe(401);
    });

    it('ignores a client-sent X-Forwarded-Proto that the proxy appended to', async () => {
      const user = await createUser(t.app);
      const res = await t.http().post('/api/login').set('X-Forwarded-Proto', 'https, http').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
      expect(setCookie(res, 'sessionid')).not.toMatch(/secure/i);
    });
  });

  describe('as a hop count (2)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ config: { TRUST_PROXY: 2 } });
    });
    afterAll(() => t.close());

    it('takes the second address from the right', async () => {
      await throttleIp(t, '1.1.1.1, 203.0.113.7, 10.0.0.2');
      expect((await attempt(t, '2.2.2.2, 203.0.113.7, 10.0.0.2')).status).toBe(429);
      expect((await attempt(t, '203.0.113.9, 10.0.0.2')).status).toBe(401);
    });
  });

  describe('as a list of proxy addresses', () => {
    let t: TestApp;
    afterAll(() => t?.close());

    it('believes X-Forwarded-* only from a listed peer', async () => {
      t = await createTestApp({ config: { TRUST_PROXY: ['10.0.0.0/8'] } });
      // The test client connects from loopback, which is not listed: forwarded headers are ignored,
      // so every attempt counts against 127.0.0.1 whatever it claims.
      await throttleIp(t, '198.51.100.1');
      expect((await attempt(t, '198.51.100.2')).status).toBe(429);
      const user = await createUser(t.app);
      await flushRedis(t.redis);
      const res = await t.http().post('/api/login').set('X-Forwarded-Proto', 'https').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
      expect(setCookie(res, 'sessionid')).not.toMatch(/secure/i);
      await t.close();

      t = await createTestApp({ config: { TRUST_PROXY: ['127.0.0.1'] } });
      await throttleIp(t, '198.51.100.1');
      expect((await attempt(t, '198.51.100.1')).status).toBe(429);
      expect((await attempt(t, '198.51.100.2')).status).toBe(401);
      const u2 = await createUser(t.app);
      const secure = await t.http().post('/api/login').set('X-Forwarded-For', '198.51.100.3').set('X-Forwarded-Proto', 'https').send({ email: u2.email, password: DEFAULT_PASSWORD }).expect(200);
      expect(setCookie(secure, 'sessionid')).toMatch(/secure/i);
    });
  });

  describe('off (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('uses the socket address whatever X-Forwarded-For says', async () => {
      await throttleIp(t, '198.51.100.1');
      expect((await attempt(t, '198.51.100.2')).status).toBe(429);
      expect((await attempt(t, undefined)).status).toBe(429);
    });
  });
});
