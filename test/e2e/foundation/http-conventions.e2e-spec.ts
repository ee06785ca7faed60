import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OrganizationsService } from '#libs/organizations';
import { createApiKey, createOrganization, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

// Every supertest request listens on a new ephemeral port: the origin is per response.
const origin = (res: { request: { url: string } }) => new URL(res.request.url).origin;
const NOT_FOUND = { type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null };

describe('HTTP conventions', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    key = await createApiKey(t.app, await createUser(t.app), ['*']);
  });
  afterAll(() => t.close());
  const list = (query: string) => t.http().get(`/api/organizations/${query}`).set('Authorization', `Bearer ${key}`);

  describe('error bodies', () => {
    it('answers an unknown route with 404 and the error body, inside and outside /api', async () => {
      expect((await t.http().get('/api/nope').expect(404)).body).toEqual(NOT_FOUND);
      expect((await t.http().delete('/api/users/@me/nope/deeper').expect(404)).body).toEqual(NOT_FOUND);
      expect((await t.http().get('/elsewhere').expect(404)).body).toEqual(NOT_FOUND);
    });

    it('answers a known path with an unsupported method with 405 and Allow', async () => {
      const res = await t.http().put('/api/organizations/').set('Authorization', `Bearer ${key}`).expect(405);
      expect(res.body).toEqual({ type: 'invalid_request', code: 'method_not_allowed', detail: 'Method "PUT" not allowed.', attr: null });
      expect(res.headers.allow).toBe('GET, HEAD, POST');
      const logout = await t.http().get('/api/logout').expect(405);
      expect(logout.headers.allow).toBe('POST');
      expect(logout.body.code).toBe('method_not_allowed');
    });

    it('answers malformed JSON with 400 parse_error', async () => {
      const res = await t.http().post('/api/login').set('Content-Type', 'application/json').send('{"email": ').expect(400);
      expect(res.body).toMatchObject({ type: 'invalid_request', code: 'parse_error', attr: null });
      expect(res.body.detail).toMatch(/^JSON parse error/);
    });

    it('refuses a __proto__ key anywhere in a body as a parse error, changing nothing', async () => {
      const res = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send('{"name": "Acme", "x": {"__proto__": {"is_staff": true}}}').expect(400);
      expect(res.body).toEqual({ type: 'invalid_request', code: 'parse_error', detail: 'JSON parse error - Object contains forbidden prototype property', attr: null });
      expect(await t.dataSource.query('SELECT 1 FROM organizations')).toHaveLength(0);
    });

    it('answers a body over 1 MiB with 413, and accepts one just under', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
      const res = await t.http().post('/api/organizations/').set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send(big).expect(413);
      expect(res.body).toEqual({ type: 'invalid_request', code: 'request_too_large', detail: 'Request body is larger than 1 MiB.', attr: null });
      expect(await t.dataSource.query('SELECT 1 FROM organizations')).toHaveLength(0);
      // Just under the cap is parsed (and then fails validation on the name's length, not on size).
      const under = JSON.stringify({ name: 'x'.repeat(1024 * 1024 - 100) });
      const ok = await t.http().post('/api/organizations/').set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send(under).expect(400);
      expect(ok.body.attr).toBe('name');
    });

    it('answers a non-JSON body with 415', async () => {
      const res = await t.http().post('/api/login').set('Content-Type', 'text/plain').send('email=a').expect(415);
      expect(res.body).toEqual({ type: 'invalid_request', code: 'unsupported_media_type', detail: 'Unsupported media type "text/plain" in request.', attr: null });
      const form = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).type('form').send({ name: 'Acme' }).expect(415);
      expect(form.body.code).toBe('unsupported_media_type');
      expect(await t.dataSource.query('SELECT 1 FROM organizations')).toHaveLength(0);
    });

    it('parses application/json with parameters and any +json media type, and reads an empty JSON body as {}', async () => {
      const withCharset = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json; charset=utf-8').send('{"name": "Acme"}').expect(201);
      expect(withCharset.body.name).toBe('Acme');
      const vendor = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/vnd.api+json').send('{"name": "Beta"}').expect(201);
      expect(vendor.body.name).toBe('Beta');
      const empty = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send('').expect(400);
      expect(empty.body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'name' });
    });

    it('answers a body without a Content-Type with 415, changing nothing', async () => {
      const res = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).serialize((b) => b as string).send('{"name": "Acme"}').unset('Content-Type').expect(415);
      expect(res.body).toEqual({ type: 'invalid_request', code: 'unsupported_media_type', detail: 'Missing Content-Type: the API accepts application/json.', attr: null });
      expect(await t.dataSource.query('SELECT 1 FROM organizations')).toHaveLength(0);
    });

    it('answers a path with malformed percent-encoding or an over-long id with 404 not_found', async () => {
      for (const path of ['/api/users/%E0%A4%A/', `/api/users/${'a'.repeat(300)}/`, `/api/users/@me/integrations/github/${'9'.repeat(200)}/repos/`]) {
        const res = await t.http().get(path).set('Authorization', `Bearer ${key}`).expect(404);
        expect(res.body).toEqual({ type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null });
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it('answers requests the HTTP parser refuses with the error body', async () => {
      const server = t.app.getHttpServer() as import('node:http').Server;
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as import('node:net').AddressInfo;
      const raw = (request: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => socket.end(request));
          let data = '';
          socket.on('data', (chunk) => (data += chunk));
          socket.on('close', () => resolve(data));
          socket.on('error', reject);
        });
      const huge = await raw(`GET /api/users/@me/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(huge.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
      expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toEqual({
        type: 'invalid_request', code: 'request_header_fields_too_large', detail: 'Request headers are too large.', attr: null,
      });
      const garbage = await raw('NOT-HTTP\r\n\r\n');
      expect(garbage.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'invalid_request', code: 'invalid_input', attr: null });
    });

    it('answers a field error with 400 validation_error naming the field', async () => {
      const res = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).send({}).expect(400);
      expect(res.body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'name' });
      const list = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).send([1, 2]).expect(400);
      expect(list.body).toEqual({ type: 'validation_error', code: 'invalid_input', detail: 'Invalid data. Expected a dictionary, but got list.', attr: null });
    });

    it('ignores unknown body keys', async () => {
      const res = await t.http().post('/api/organizations').set('Authorization', `Bearer ${key}`).send({ name: 'Acme', bogus: 1, id: 'x' }).expect(201);
      expect(res.body.name).toBe('Acme');
    });
  });

  describe('unexpected errors', () => {
    let failing: TestApp;
    beforeAll(async () => {
      failing = await createTestApp({
        customize: (builder) =>
          builder.overrideProvider(OrganizationsService).useValue({
            listForUser: async () => {
              throw new Error('error: column "secret" does not exist; SELECT password FROM users WHERE id = 1');
            },
          }),
      });
    });
    afterAll(() => failing.close());

    it('answers 500 with the generic body and leaks no internals', async () => {
      const user = await createUser(failing.app);
      const apiKey = await createApiKey(failing.app, user, ['*']);
      const res = await failing.http().get('/api/organizations/').set('Authorization', `Bearer ${apiKey}`).expect(500);
      expect(res.body).toEqual({ type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null });
      expect(res.text).not.toMatch(/SELECT|password|column|stack|at /);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('routing', () => {
    it('accepts every route with and without a trailing slash', async () => {
      await t.http().get('/api/organizations').set('Authorization', `Bearer ${key}`).expect(200);
      await t.http().get('/api/organizations/').set('Authorization', `Bearer ${key}`).expect(200);
      await t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(200);
      await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${key}`).expect(200);
      await t.http().get('/api/health/').expect(200);
    });

    it('echoes a well-formed X-Request-Id and generates one otherwise, on success and on error', async () => {
      const given = await t.http().get('/api/health').set('X-Request-Id', 'trace-abc.123').expect(200);
      expect(given.headers['x-request-id']).toBe('trace-abc.123');
      const generated = await t.http().get('/api/health').set('X-Request-Id', 'bad id with spaces').expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const notFound = await t.http().get('/api/nope').expect(404);
      expect(notFound.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const parse = await t.http().post('/api/login').set('Content-Type', 'application/json').set('X-Request-Id', 'req-1').send('{').expect(400);
      expect(parse.headers['x-request-id']).toBe('req-1');
    });
  });

  describe('pagination', () => {
    it.each([
      ['limit=0', 'limit', 'min_value', 'Ensure this value is greater than or equal to 1.'],
      ['limit=1001', 'limit', 'max_value', 'Ensure this value is less than or equal to 1000.'],
      ['limit=-1', 'limit', 'min_value', 'Ensure this value is greater than or equal to 1.'],
      ['limit=abc', 'limit', 'invalid_input', 'A valid integer is required.'],
      ['limit=1.5', 'limit', 'invalid_input', 'A valid integer is required.'],
      ['offset=-1', 'offset', 'min_value', 'Ensure this value is greater than or equal to 0.'],
      ['offset=x', 'offset', 'invalid_input', 'A valid integer is required.'],
      ['limit=1&limit=2', 'limit', 'invalid_input', 'A valid integer is required.'],
    ])('refuses ?%s with 400 naming %s', async (query, attr, code, detail) => {
      const res = await list(`?${query}`).expect(400);
      expect(res.body).toEqual({ type: 'validation_error', code, detail, attr });
    });

    it('pages with limit/offset and absolute next/previous built from the request', async () => {
      const user = await createUser(t.app);
      for (const name of ['One', 'Two', 'Three']) await createOrganization(t.app, user, name);
      const userKey = await createApiKey(t.app, user, ['organization:read']);
      const get = (query: string) => t.http().get(`/api/organizations/${query}`).set('Authorization', `Bearer ${userKey}`).expect(200);

      const all = await get('');
      expect(all.body).toMatchObject({ count: 3, next: null, previous: null });
      expect(all.body.results.map((o: { name: string }) => o.name)).toEqual(['One', 'Two', 'Three']);

      const middle = await get('?limit=1&offset=1');
      expect(middle.body.count).toBe(3);
      expect(middle.body.results.map((o: { name: string }) => o.name)).toEqual(['Two']);
      expect(middle.body.next).toBe(`${origin(middle)}/api/organizations/?limit=1&offset=2`);
      expect(middle.body.previous).toBe(`${origin(middle)}/api/organizations/?limit=1`);

      const last = await get('?limit=2&offset=2');
      expect(last.body.next).toBeNull();
      expect(last.body.previous).toBe(`${origin(last)}/api/organizations/?limit=2`);

      const beyond = await get('?offset=10');
      expect(beyond.body).toMatchObject({ count: 3, next: null, results: [] });
      expect(beyond.body.previous).toBe(`${origin(beyond)}/api/organizations/?limit=100`);
    });

    it('ignores X-Forwarded-Proto/Host without TRUST_PROXY', async () => {
      const user = await createUser(t.app);
      for (const name of ['One', 'Two']) await createOrganization(t.app, user, name);
      const userKey = await createApiKey(t.app, user, ['organization:read']);
      const res = await t.http().get('/api/organizations?limit=1').set('Authorization', `Bearer ${userKey}`)
        .set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'api.example.com').expect(200);
      expect(res.body.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/organizations\?limit=1&offset=1$/);
    });
  });

  describe('behind a trusted proxy', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      proxied = await createTestApp({ config: { TRUST_PROXY: 1 } });
    });
    afterAll(() => proxied.close());

    it('builds next/previous from X-Forwarded-Proto and X-Forwarded-Host', async () => {
      const user = await createUser(proxied.app);
      for (const name of ['One', 'Two']) await createOrganization(proxied.app, user, name);
      const userKey = await createApiKey(proxied.app, user, ['organization:read']);
      const res = await proxied.http().get('/api/organizations?limit=1').set('Authorization', `Bearer ${userKey}`)
        .set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'api.example.com').expect(200);
      expect(res.body.next).toBe('https://api.example.com/api/organizations?limit=1&offset=1');
    });
  });
});
