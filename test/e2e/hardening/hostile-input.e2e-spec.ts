import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { User } from '#libs/users';
import { createApiKey, createOrganization, createUser, loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, snapshot, validation } from '../users/helpers.js';
import { keysMatching } from '../../support/redis.js';

const NUL = (attr: string | null) => validation('null_characters_not_allowed', 'Null characters are not allowed.', attr);
const UNICODE = (attr: string | null) => validation('invalid_input', 'Invalid unicode.', attr);
const PARSE_DEPTH = { type: 'invalid_request', code: 'parse_error', detail: 'JSON parse error - JSON nested deeper than 64 levels.', attr: null };
const INVALID_HOST = { type: 'invalid_request', code: 'invalid_host', detail: 'Invalid Host header.', attr: null };

/** `{"a":{"a":…1…}}` nested `depth` objects deep, as JSON text. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Hostile input (docs/api.md, "Requests and errors"): always a 4xx error body, never a change. */
describe('hostile input', () => {
  let t: TestApp;
  let user: User;
  let client: SessionClient;
  let key: string;
  const state = async () => ({
    user: await snapshot(t, user.id),
    keys: await t.dataSource.query('SELECT id, label, scopes FROM personal_api_keys ORDER BY id'),
    orgs: await t.dataSource.query('SELECT id, name FROM organizations ORDER BY id'),
    autonomy: await t.dataSource.query('SELECT * FROM signal_autonomy_configs'),
  });
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    ({ user, client } = await loggedInUser(t.app, { isStaff: true }));
    await createOrganization(t.app, user);
    key = await createApiKey(t.app, user, ['*']);
  });
  afterAll(() => t.close());

  /** The fixture's own login counted against the throttles; the checks below start from none. */
  const clearThrottles = async () => {
    // One key at a time: on a Redis Cluster they live in different slots.
    for (const key of await keysMatching(t.redis, 'throttle:*')) await t.redis.del(key);
  };

  /** A request with exactly this Host header (supertest would otherwise set its own). */
  const withHost = (host: string, path = '/api/users/?limit=1') =>
    request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${key}`).set('Host', host);

  /** Sends raw JSON text (so lone surrogates and exact nesting survive) with the `*` key. */
  const raw = (method: 'post' | 'patch', path: string, json: string) =>
    t.http()[method](path).set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send(json);

  describe('JSON nesting', () => {
    it.each([65, 1000, 100_000])('refuses a body nested %i levels deep with parse_error, changing nothing', async (depth) => {
      const before = await state();
      expectError(await raw('patch', '/api/users/@me/', `{"hedgehog_config":${nested(depth - 1)}}`), 400, PARSE_DEPTH);
      expectError(await raw('post', '/api/organizations/', '['.repeat(depth) + ']'.repeat(depth)), 400, PARSE_DEPTH);
      expect(await state()).toEqual(before);
    });

    it('accepts 64 levels, and does not count brackets inside strings', async () => {
      const res = await raw('patch', '/api/users/@me/', `{"hedgehog_config":{"s":"${'{['.repeat(200)}","n":${nested(62)}}}`);
      expect(res.status).toBe(200);
      expect(res.body.hedgehog_config.s).toBe('{['.repeat(200));
    });
  });

  describe('NUL characters', () => {
    it('refuses them in the login email before any lookup or throttle', async () => {
      await clearThrottles();
      expectError(await t.http().post('/api/login').send({ email: `${user.email}\u0000`, password: 'x' }), 400, NUL('email'));
      expect(await keysMatching(t.redis, 'throttle:*')).toEqual([]);
    });

    it.each([
      ['a body value', 'patch', '/api/users/@me/', { first_name: 'Ada\u0000' }, 'first_name'],
      ['a nested value', 'patch', '/api/users/@me/', { hedgehog_config: { a: ['ok', 'nul\u0000'] } }, 'hedgehog_config'],
      ['a nested key', 'patch', '/api/users/@me/', { notification_settings: { 'plugin\u0000': true } }, 'notification_settings'],
      ['a top-level key', 'patch', '/api/users/@me/', { 'first\u0000name': 'Ada', last_name: 'L' }, null],
      ['an organization name', 'post', '/api/organizations/', { name: 'Acme\u0000' }, 'name'],
      ['a key label', 'post', '/api/personal_api_keys/', { label: 'bot\u0000', scopes: ['*'] }, 'label'],
      ['the autonomy channel', 'post', '/api/users/@me/signal_autonomy/', { slack_notification_channel: '#a\u0000' }, 'slack_notification_channel'],
    ] as const)('refuses them in %s, changing nothing', async (_what, method, path, body, attr) => {
      const before = await state();
      expectError(await client[method](path, body), 400, NUL(attr));
      expect(await state()).toEqual(before);
    });

    it.each([
      ['/api/users/?email=a%00b@example.com', 'email'],
      ['/api/users/?is_staff=tr%00ue', 'is_staff'],
      ['/api/users/?limit=1%00', 'limit'],
      ['/api/users/?x%00=1', null],
      ['/api/users/%00', 'uuid'],
      ['/api/users/@me%00/signal_autonomy/', 'user_id'],
      ['/api/personal_api_keys/%00/', 'id'],
    ])('refuses them in the query or path of %s', async (path, attr) => {
      expectError(await t.http().get(path).set('Authorization', `Bearer ${key}`), 400, NUL(attr));
    });

    it('answers 400 before 403 on a user path (a non-staff caller naming another user)', async () => {
      const other = await loggedInUser(t.app);
      expectError(await other.client.get('/api/users/x%00/'), 400, NUL('uuid'));
    });
  });

  describe('unpaired UTF-16 surrogates', () => {
    it.each([
      ['a high surrogate', '{"first_name":"Ada\\ud800"}', 'first_name'],
      ['a low surrogate', '{"last_name":"\\udc00x"}', 'last_name'],
      ['a nested key', '{"hedgehog_config":{"\\ud83d":1}}', 'hedgehog_config'],
      ['a top-level key', '{"\\udfff":1}', null],
    ])('refuses %s, changing nothing', async (_what, json, attr) => {
      const before = await state();
      expectError(await raw('patch', '/api/users/@me/', json), 400, UNICODE(attr));
      expect(await state()).toEqual(before);
    });

    it('accepts a surrogate pair (an emoji)', async () => {
      const res = await raw('patch', '/api/users/@me/', '{"first_name":"Ada \\ud83d\\ude00"}').expect(200);
      expect(res.body.first_name).toBe('Ada \u{1F600}');
    });

    it('refuses one in an organization name and a login email', async () => {
      expectError(await raw('post', '/api/organizations/', '{"name":"\\ud800"}'), 400, UNICODE('name'));
      expectError(await t.http().post('/api/login').set('Content-Type', 'application/json').send('{"email":"\\udc00@x.io","password":"p"}'), 400, UNICODE('email'));
    });
  });

  describe('allow-list lookups', () => {
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('?is_staff=%s is invalid_choice', async (value) => {
      const res = await t.http().get(`/api/users/?is_staff=${value}`).set('Authorization', `Bearer ${key}`);
      expectError(res, 400, validation('invalid_choice', `"${value}" is not a valid choice.`, 'is_staff'));
    });

    it.each(['constructor', 'toString', 'hasOwnProperty'])('notification_settings key %s is refused', async (name) => {
      const before = await state();
      const res = await raw('patch', '/api/users/@me/', `{"notification_settings":{"${name}":true}}`);
      expectError(res, 400, validation('invalid_input', `Key ${name} is not valid as a key for notification settings`, 'notification_settings'));
      expect(await state()).toEqual(before);
    });
  });

  describe('the Host header', () => {
    it.each(['exa mple.com', 'a/b', '[::1', 'x:99999', 'x:1:2', '<x>', 'a@b', 'x:port', ''])('refuses %j before any route', async (host) => {
      expectError(await withHost(host), 400, INVALID_HOST);
      expectError(await withHost(host, '/api/nowhere'), 400, INVALID_HOST);
    });

    it.each(['example.com', 'example.com:8000', '127.0.0.1:1', '[::1]:8000', 'api.site.localhost'])('accepts %j and builds links from it', async (host) => {
      await createUser(t.app);
      const res = await withHost(host, '/api/users/?limit=1');
      expect(res.status).toBe(200);
      expect(res.body.next).toBe(`http://${host}/api/users/?limit=1&offset=1`);
    });
  });

  describe('values in error messages', () => {
    it.each([
      ['a long string', 'x'.repeat(101)],
      ['an object', { a: 'dark' }],
      ['a list', ['dark']],
    ])('never quotes %s', async (_what, value) => {
      const res = await client.patch('/api/users/@me/', { theme_mode: value });
      expectError(res, 400, validation('invalid_choice', 'Not a valid choice.', 'theme_mode'));
    });

    it('quotes a short string', async () => {
      const res = await client.patch('/api/users/@me/', { theme_mode: 'x'.repeat(100) });
      expectError(res, 400, validation('invalid_choice', `"${'x'.repeat(100)}" is not a valid choice.`, 'theme_mode'));
    });
  });

  describe('throttles and e-mail length', () => {
    it('stores throttle keys as hashes of the email and the address', async () => {
      const email = 'Someone.Unknown@example.com';
      await clearThrottles();
      expect((await t.http().post('/api/login').send({ email, password: 'wrong password' })).status).toBe(401);
      const keys = await keysMatching(t.redis, 'throttle:*');
      expect(keys.length).toBeGreaterThanOrEqual(2);
      for (const k of keys) {
        expect(k.toLowerCase()).not.toContain('someone');
        expect(k).not.toContain('127.0.0.1');
        expect(k).toMatch(/^throttle:[A-Za-z]+:[0-9a-f]{64}$/);
      }
    });

    it('refuses an email over 254 characters at login before any lookup or throttle', async () => {
      const email = `${'a'.repeat(243)}@example.com`;
      expect(email).toHaveLength(255);
      await clearThrottles();
      for (let i = 0; i < 12; i++) {
        const res = await t.http().post('/api/login').send({ email, password: 'whatever' });
        expectError(res, 400, validation('max_length', 'Ensure this field has no more than 254 characters.', 'email'));
      }
      expect(await keysMatching(t.redis, 'throttle:*')).toEqual([]);
      // 254 characters is a well-formed (unknown) address: an ordinary failed login.
      expect((await t.http().post('/api/login').send({ email: email.slice(1), password: 'whatever' })).status).toBe(401);
    });

    it('refuses ?email= over 254 characters', async () => {
      const res = await t.http().get(`/api/users/?email=${'a'.repeat(243)}@example.com`).set('Authorization', `Bearer ${key}`);
      expectError(res, 400, validation('max_length', 'Ensure this field has no more than 254 characters.', 'email'));
      const mega = await t.http().get(`/api/users/?email=${'a'.repeat(900_000)}`).set('Authorization', `Bearer ${key}`);
      expect(mega.status).toBeGreaterThanOrEqual(400);
      expect(mega.status).toBeLessThan(500);
    });
  });
});
