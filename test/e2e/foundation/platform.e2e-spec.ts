import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { registeredRoutes } from '../../support/routes.js';

describe('health, readiness, docs and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { CORS_ORIGINS: ['https://app.example.com'] } });
  });
  afterAll(() => t.close());

  it('GET /api/health answers 200 without credentials', async () => {
    expect((await t.http().get('/api/health').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('GET /api/ready checks PostgreSQL and Redis', async () => {
    const res = await t.http().get('/api/ready/').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('GET /api/ready answers 503 naming what is down', async () => {
    t.redis.disconnect();
    try {
      const res = await t.http().get('/api/ready').expect(503);
      expect(res.body).toEqual({ type: 'server_error', code: 'not_ready', detail: 'Not ready: redis unavailable.', attr: null });
      // Liveness does not depend on Redis.
      await t.http().get('/api/health').expect(200);
    } finally {
      await t.redis.connect();
    }
    await t.http().get('/api/ready').expect(200);
  });

  it('serves an OpenAPI 3 document at /api/schema listing every route with its schemas', async () => {
    const res = await t.http().get('/api/schema').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const route of registeredRoutes(t.app)) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      expect({ route: `${route.method} ${path}`, documented: Boolean(doc.paths[path]?.[route.method.toLowerCase()]) }).toEqual({
        route: `${route.method} ${path}`,
        documented: true,
      });
    }
    const create = doc.paths['/api/personal_api_keys']?.post ?? doc.paths['/api/personal_api_keys/']?.post;
    expect(create.requestBody.content['application/json'].schema.properties).toHaveProperty('scopes');
    expect(create.responses['201'].content['application/json'].schema.properties).toHaveProperty('value');
    const me = doc.paths['/api/users/{uuid}'].get;
    expect(me.responses['200'].content['application/json'].schema.properties).toHaveProperty('sensitive_session_expires_at');
    expect(doc.components.securitySchemes).toHaveProperty('personal_api_key');
  });

  it('serves interactive docs at /api/docs', async () => {
    const res = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/swagger/i);
  });

  it('allows a configured origin with credentials', async () => {
    const res = await t.http().options('/api/users/@me').set('Origin', 'https://app.example.com').set('Access-Control-Request-Method', 'PATCH').expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    const get = await t.http().get('/api/health').set('Origin', 'https://app.example.com').expect(200);
    expect(get.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('still answers unknown routes with 404 and wrong methods with 405 (the preflight route is not an endpoint)', async () => {
    const unknown = await t.http().get('/api/nope').expect(404);
    expect(unknown.body).toEqual({ type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null });
    const wrong = await t.http().put('/api/logout').expect(405);
    expect(wrong.headers.allow).toBe('POST');
  });

  it('gives no CORS headers to another origin', async () => {
    const res = await t.http().options('/api/users/@me').set('Origin', 'https://evil.example.com').set('Access-Control-Request-Method', 'PATCH');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const get = await t.http().get('/api/health').set('Origin', 'https://evil.example.com').expect(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { CORS_ORIGINS: [] } });
  });
  afterAll(() => t.close());

  it('allows no origin', async () => {
    const res = await t.http().get('/api/health').set('Origin', 'https://app.example.com').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
