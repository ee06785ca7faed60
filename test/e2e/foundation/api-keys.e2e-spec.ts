import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { Scope } from '#libs/auth';
import { createApiKey, createUser, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const NOT_AUTHENTICATED = { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null };
const invalidKey = (source: string) => ({
  type: 'authentication_error',
  code: 'authentication_failed',
  detail: `Personal API key found in request ${source} is invalid.`,
  attr: null,
});
const SESSION_ONLY = { type: 'authentication_error', code: 'authentication_failed', detail: 'This action requires a browser session.', attr: null };
const missingScope = (scope: string) => ({ type: 'authentication_error', code: 'permission_denied', detail: `API key missing required scope '${scope}'`, attr: null });
const UNKNOWN_KEY = `phx_${'A'.repeat(43)}`;

describe('personal API key authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());
  const lastUsed = async () => (await t.dataSource.query('SELECT last_used_at FROM personal_api_keys'))[0].last_used_at as Date | null;
  const setLastUsed = (interval: string) => t.dataSource.query(`UPDATE personal_api_keys SET last_used_at = now() - interval '${interval}'`);

  describe('sources', () => {
    it('accepts a key as a Bearer token', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['user:read']);
      const res = await t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body.email).toBe(user.email);
      expect(res.body.sensitive_session_expires_at).toBeNull();
    });

    it('accepts a key in the body field personal_api_key', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['organization:write']);
      await t.http().post('/api/organizations').send({ name: 'Acme', personal_api_key: key }).expect(201);
    });

    it('accepts a key in the query string', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['user:read']);
      const res = await t.http().get(`/api/users/@me?personal_api_key=${key}`).expect(200);
      expect(res.body.email).toBe(user.email);
    });

    it('names the source of an invalid key', async () => {
      expect((await t.http().get('/api/users/@me').set('Authorization', `Bearer ${UNKNOWN_KEY}`).expect(401)).body).toEqual(invalidKey('Authorization header'));
      expect((await t.http().post('/api/organizations').send({ name: 'x', personal_api_key: UNKNOWN_KEY }).expect(401)).body).toEqual(invalidKey('body'));
      expect((await t.http().get(`/api/users/@me?personal_api_key=${UNKNOWN_KEY}`).expect(401)).body).toEqual(invalidKey('query string'));
      expect(await t.dataSource.query('SELECT 1 FROM organizations')).toHaveLength(0);
    });

    it('prefers the header to the body and the body to the query string', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['*']);
      const headerWins = await t.http().post(`/api/organizations?personal_api_key=${key}`).set('Authorization', `Bearer ${UNKNOWN_KEY}`).send({ name: 'x', personal_api_key: key });
      expect(headerWins.body).toEqual(invalidKey('Authorization header'));
      const bodyWins = await t.http().post(`/api/organizations?personal_api_key=${key}`).send({ name: 'x', personal_api_key: UNKNOWN_KEY });
      expect(bodyWins.body).toEqual(invalidKey('body'));
    });

    it('refuses the key of an inactive user as invalid', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['*']);
      await t.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
      expect((await t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(401)).body).toEqual(invalidKey('Authorization header'));
    });

    it('refuses a deleted key', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['*']);
      await t.dataSource.query('DELETE FROM personal_api_keys');
      await t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(401);
    });

    it('answers no credentials at all with the exact 401 body', async () => {
      expect((await t.http().get('/api/users/@me').expect(401)).body).toEqual(NOT_AUTHENTICATED);
      expect((await t.http().get('/api/organizations').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401)).body).toEqual(NOT_AUTHENTICATED);
    });

    it('authenticates a key over a session cookie when both are sent', async () => {
      const { client } = await loggedInUser(t.app);
      const res = await t.http().get('/api/users/@me').set('Cookie', `sessionid=${client.sessionId}`).set('Authorization', `Bearer ${UNKNOWN_KEY}`).expect(401);
      expect(res.body).toEqual(invalidKey('Authorization header'));
    });
  });

  describe('scopes', () => {
    const cases: Array<[string, Scope[], 'get' | 'post', string, number, string | null]> = [
      ['user:read reads a user', ['user:read'], 'get', '/api/users/@me', 200, null],
      ['user:write implies user:read', ['user:write'], 'get', '/api/users/@me', 200, null],
      ['* reads a user', ['*'], 'get', '/api/users/@me', 200, null],
      ['organization:read cannot read a user', ['organization:read'], 'get', '/api/users/@me', 403, 'user:read'],
      ['organization:read lists organizations', ['organization:read'], 'get', '/api/organizations', 200, null],
      ['organization:write implies organization:read', ['organization:write'], 'get', '/api/organizations', 200, null],
      ['user:write does not grant organization:read', ['user:write'], 'get', '/api/organizations', 403, 'organization:read'],
      ['organization:read cannot create', ['organization:read'], 'post', '/api/organizations', 403, 'organization:write'],
      ['organization:write creates', ['organization:write'], 'post', '/api/organizations', 201, null],
      ['* creates', ['*'], 'post', '/api/organizations', 201, null],
      ['several scopes combine', ['user:read', 'organization:write'], 'post', '/api/organizations', 201, null],
    ];

    it.each(cases)('%s', async (_name, scopes, method, path, status, missing) => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, scopes);
      const res = await t.http()[method](path).set('Authorization', `Bearer ${key}`).send(method === 'post' ? { name: 'Acme' } : undefined);
      expect(res.status).toBe(status);
      if (missing) {
        expect(res.body).toEqual(missingScope(missing));
        expect(await t.dataSource.query('SELECT 1 FROM organizations')).toHaveLength(0);
      }
    });

    it.each([
      ['GET', '/api/personal_api_keys/'],
      ['POST', '/api/personal_api_keys/'],
      ['DELETE', '/api/personal_api_keys/00000000-0000-0000-0000-000000000000/'],
      ['POST', '/api/logout'],
      ['POST', '/api/reauth'],
    ])('answers %s %s (session only) with 401 to a key, even with *', async (method, path) => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['*']);
      const res = await t.http()[method.toLowerCase() as 'get'](path).set('Authorization', `Bearer ${key}`).send(method === 'GET' ? undefined : { label: 'x', scopes: ['*'], password: 'x' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(SESSION_ONLY);
      expect(await t.dataSource.query('SELECT 1 FROM personal_api_keys')).toHaveLength(1);
    });

    it('skips scope checks for sessions', async () => {
      const { client } = await loggedInUser(t.app);
      await client.get('/api/users/@me').expect(200);
      await client.post('/api/organizations', { name: 'Acme' }).expect(201);
    });
  });

  describe('last_used_at', () => {

    it('is written on first use, then at most once an hour', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['user:read']);
      expect(await lastUsed()).toBeNull();
      const use = () => t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(200);

      await use();
      const first = await lastUsed();
      expect(first).not.toBeNull();
      expect(Math.abs(first!.getTime() - Date.now())).toBeLessThan(5000);

      await setLastUsed('59 minutes');
      const recent = await lastUsed();
      await use();
      expect(await lastUsed()).toEqual(recent);

      await setLastUsed('61 minutes');
      await use();
      expect(Math.abs((await lastUsed())!.getTime() - Date.now())).toBeLessThan(5000);
    });
  });
});

describe('personal API key endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());
  const keyCount = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM personal_api_keys'))[0].n);

  it('creates a key (201) and shows its value exactly once; only a sha256 hash is stored', async () => {
    const { user, client } = await loggedInUser(t.app);
    const res = await client.post('/api/personal_api_keys/', { label: 'ci', scopes: ['user:read', 'user:write'] }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      label: 'ci',
      value: expect.stringMatching(/^phx_[0-9A-Za-z]{43}$/),
      mask_value: `${res.body.value.slice(0, 4)}...${res.body.value.slice(-4)}`,
      scopes: ['user:read', 'user:write'],
      scoped_teams: [],
      scoped_organizations: [],
      user_id: user.id,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      last_used_at: null,
      last_rolled_at: null,
    });
    const [row] = await t.dataSource.query('SELECT * FROM personal_api_keys');
    expect(row.secure_value).toBe(`sha256$${createHash('sha256').update(res.body.value).digest('hex')}`);
    expect(JSON.stringify(row)).not.toContain(res.body.value);
    expect(row.user_id).toBe(user.id);

    // The new key works, with its scopes.
    await t.http().get('/api/users/@me').set('Authorization', `Bearer ${res.body.value}`).expect(200);
    // Two keys never share a value.
    const again = await client.post('/api/personal_api_keys/', { label: 'ci', scopes: ['*'] }).expect(201);
    expect(again.body.value).not.toBe(res.body.value);
  });

  it('lists only the caller\'s keys, masked, never with the value, paginated', async () => {
    const { user, client } = await loggedInUser(t.app);
    const values = [await createApiKey(t.app, user, ['user:read'], 'one'), await createApiKey(t.app, user, ['*'], 'two')];
    await createApiKey(t.app, await createUser(t.app), ['*'], 'someone else');
    const res = await client.get('/api/personal_api_keys/').expect(200);
    expect(res.body).toMatchObject({ count: 2, next: null, previous: null });
    expect(res.body.results.map((k: { label: string }) => k.label).sort()).toEqual(['one', 'two']);
    for (const item of res.body.results) {
      expect(Object.keys(item).sort()).toEqual(['created_at', 'id', 'label', 'last_rolled_at', 'last_used_at', 'mask_value', 'scoped_organizations', 'scoped_teams', 'scopes', 'user_id', 'value']);
      expect(item.value).toBeNull();
    }
    for (const value of values) {
      expect(res.text).not.toContain(value);
      expect(res.body.results.map((k: { mask_value: string }) => k.mask_value)).toContain(`${value.slice(0, 4)}...${value.slice(-4)}`);
    }
    const page = await client.get('/api/personal_api_keys/?limit=1').expect(200);
    expect(page.body.results).toHaveLength(1);
    expect(page.body.next).toMatch(/\/api\/personal_api_keys\/\?limit=1&offset=1$/);
  });

  it.each([
    [{ scopes: ['*'] }, 'label', 'required'],
    [{ label: '', scopes: ['*'] }, 'label', 'blank'],
    [{ label: '   ', scopes: ['*'] }, 'label', 'blank'],
    [{ label: 'x'.repeat(41), scopes: ['*'] }, 'label', 'max_length'],
    [{ label: 7, scopes: ['*'] }, 'label', 'invalid_input'],
    [{ label: 'ok' }, 'scopes', 'required'],
    [{ label: 'ok', scopes: [] }, 'scopes', 'invalid_input'],
    [{ label: 'ok', scopes: 'user:read' }, 'scopes', 'invalid_input'],
    [{ label: 'ok', scopes: ['user:read', 'user:admin'] }, 'scopes', 'invalid_input'],
    [{ label: 'ok', scopes: [1] }, 'scopes', 'invalid_input'],
  ])('refuses %j with 400 on %s (nothing created)', async (body, attr, code) => {
    const { client } = await loggedInUser(t.app);
    const res = await client.post('/api/personal_api_keys/', body).expect(400);
    expect(res.body).toMatchObject({ type: 'validation_error', code, attr });
    expect(await keyCount()).toBe(0);
  });

  it('accepts a 40-character label', async () => {
    const { client } = await loggedInUser(t.app);
    await client.post('/api/personal_api_keys/', { label: 'x'.repeat(40), scopes: ['organization:read'] }).expect(201);
  });

  it('deletes a key (204), then answers 404; the deleted key stops working', async () => {
    const { user, client } = await loggedInUser(t.app);
    const value = await createApiKey(t.app, user, ['*']);
    const [{ id }] = await t.dataSource.query('SELECT id FROM personal_api_keys');
    const res = await client.delete(`/api/personal_api_keys/${id}/`).expect(204);
    expect(res.text).toBe('');
    expect(await keyCount()).toBe(0);
    await t.http().get('/api/users/@me').set('Authorization', `Bearer ${value}`).expect(401);
    expect((await client.delete(`/api/personal_api_keys/${id}`).expect(404)).body).toEqual({ type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null });
  });

  it('answers 404 for another user\'s key and for a malformed id, deleting nothing', async () => {
    const { client } = await loggedInUser(t.app);
    await createApiKey(t.app, await createUser(t.app), ['*']);
    const [{ id }] = await t.dataSource.query('SELECT id FROM personal_api_keys');
    await client.delete(`/api/personal_api_keys/${id}/`).expect(404);
    await client.delete('/api/personal_api_keys/not-a-uuid/').expect(404);
    await client.delete('/api/personal_api_keys/123/').expect(404);
    expect(await keyCount()).toBe(1);
  });
});
