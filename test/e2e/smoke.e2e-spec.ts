import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser, loggedInUser } from '../support/fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves @me to an API key and a session', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:read']);
    const res = await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body.email).toBe(user.email);
    const { client } = await loggedInUser(t.app);
    const me = await client.get('/api/users/@me').expect(200);
    expect(me.body.sensitive_session_expires_at).not.toBeNull();
  });

  it('answers unknown routes, bad JSON and 405 with the error body', async () => {
    expect((await t.http().get('/api/nope').expect(404)).body).toEqual({ type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null });
    const bad = await t.http().post('/api/login').set('Content-Type', 'application/json').send('{"a":').expect(400);
    expect(bad.body.code).toBe('parse_error');
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['*']);
    const res = await t.http().post('/api/users/@me/').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ type: 'invalid_request', code: 'method_not_allowed', detail: 'Method "POST" not allowed.', attr: null });
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, PATCH, PUT');
  });
});
