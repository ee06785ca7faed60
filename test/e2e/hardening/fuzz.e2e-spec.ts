import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { CSRF_COOKIE, SESSION_COOKIE } from '#libs/auth';
import type { User } from '#libs/users';
import { createApiKey, createOrganization, loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** One operation of the served OpenAPI document. */
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  query: string[];
  bodyFields: string[] | null;
}

/** Routes a fuzz run must not call: they end the very session the run uses. */
const SKIPPED = new Set(['post /api/logout']);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 25);

// The hostile catalogue (docs/api.md, "Requests and errors").
const NUL = 'a\u0000b';
const LONE_HIGH = 'x\ud800';
const LONE_LOW = '\udc00';
const LOOKALIKES = ['ＡＤＭＩＮ', 'аdmin', 'ɑ', 'e\u0301', '\u202eevil', '\u200b', '１２３', 'ı', 'ß'];
const hostileString = fc.oneof(
  fc.constantFrom(NUL, LONE_HIGH, LONE_LOW, '', ' ', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '@me', '-1', '0', '1e400', 'null', 'true', ...LOOKALIKES),
  fc.constantFrom('x'.repeat(101), 'x'.repeat(10_000), 'x'.repeat(1024 * 1024)),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const hostileScalar = fc.oneof(
  hostileString,
  fc.constantFrom(2 ** 53, -(2 ** 53), 1e308, -1e308, -1, 0, 1.5, 2 ** 31, true, false, null),
  fc.integer(),
);

/** A JSON value as text, so lone surrogates and extreme nesting reach the server exactly. */
const nestedText = fc.integer({ min: 10, max: 100_000 }).chain((depth) =>
  fc.constantFrom('['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
);
const valueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileScalar.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: nestedText },
  { weight: 1, arbitrary: fc.constantFrom('[]', '{}', '[1,"a",null]', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"\\u0000":1}') },
);

function bodyText(fields: string[]): fc.Arbitrary<string> {
  const keys = fc.constantFrom(...fields, '__proto__', 'constructor', 'unknown', NUL, LONE_HIGH);
  const object = fc
    .array(fc.tuple(keys, valueText), { maxLength: 5 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
  // Wrong shapes for the whole body too: a list, a string, a number, deep nesting.
  return fc.oneof({ weight: 4, arbitrary: object }, { weight: 1, arbitrary: valueText }, { weight: 1, arbitrary: fc.constant('[{}]') });
}

/** `encodeURIComponent`, except that a lone surrogate (which it refuses) goes out as raw CESU bytes. */
const encode = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
};
const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function caseFor(op: Operation) {
  const params = (op.path.match(/\{[^}]+\}/g) ?? []).length;
  return fc.record({
    ids: fc.array(hostileScalar.map(asText), { minLength: params, maxLength: params }),
    query: fc.array(fc.tuple(fc.constantFrom(...op.query, 'limit', 'offset', NUL), hostileScalar.map(asText)), { maxLength: 3 }),
    body: op.bodyFields ? bodyText(op.bodyFields) : fc.constant(undefined),
  });
}

/** The operations of the served document, with their query parameters and top-level body fields. */
function operations(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      if (SKIPPED.has(`${method} ${path.replace(/\/$/, '')}`)) continue;
      const parameters = (op.parameters ?? []) as { in: string; name: string }[];
      const schema = (op.requestBody as { content?: Record<string, { schema?: { properties?: object } }> } | undefined)?.content?.['application/json']?.schema;
      ops.push({
        method: method as Operation['method'],
        path,
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: method === 'get' || method === 'delete' ? null : Object.keys(schema?.properties ?? {}),
      });
    }
  }
  return ops;
}

/**
 * Every route of the served OpenAPI document (so new routes are covered by construction), by session
 * and by `*` key, with ids, query values and bodies from a hostile catalogue: never a 5xx, every
 * error is one well-formed body, and a refused request changes nothing of the caller's.
 */
describe('fuzzing every route of the OpenAPI document', () => {
  let t: TestApp;
  let user: User;
  let client: SessionClient;
  let key: string;
  let ops: Operation[];
  const state = async () => ({
    user: await t.dataSource.query('SELECT * FROM users WHERE id = $1', [user.id]),
    // last_used_at moves on every request with the key, refused or not.
    keys: await t.dataSource.query('SELECT id, label, scopes, scoped_teams, scoped_organizations, secure_value FROM personal_api_keys WHERE user_id = $1 ORDER BY id', [user.id]),
    autonomy: await t.dataSource.query('SELECT * FROM signal_autonomy_configs WHERE user_id = $1', [user.id]),
    memberships: await t.dataSource.query('SELECT organization_id, level FROM organization_memberships WHERE user_id = $1 ORDER BY organization_id', [user.id]),
  });
  beforeAll(async () => {
    t = await createTestApp();
    ({ user, client } = await loggedInUser(t.app));
    await createOrganization(t.app, user);
    key = await createApiKey(t.app, user, ['*']);
    ops = operations((await t.http().get('/api/schema').expect(200)).body);
    // The first authenticated request fills in the current organization; later ones change nothing.
    await client.get('/api/users/@me/').expect(200);
  });
  afterAll(() => t.close());

  it('finds the routes in the document', () => {
    expect(ops.length).toBeGreaterThan(20);
    expect(ops.some((op) => op.method === 'patch' && op.path.includes('users'))).toBe(true);
  });

  it.each(['session', 'key'] as const)('never answers 5xx nor changes anything on a refusal (%s)', async (via) => {
    const send = (op: Operation, url: string, body: string | undefined) => {
      let req = request(t.app.getHttpServer())[op.method](url);
      if (via === 'key') req = req.set('Authorization', `Bearer ${key}`);
      else {
        req = req.set('Cookie', `${SESSION_COOKIE}=${client.sessionId}; ${CSRF_COOKIE}=${client.csrfToken}`);
        if (op.method !== 'get') req = req.set('X-CSRFToken', client.csrfToken);
      }
      return body === undefined ? req : req.set('Content-Type', 'application/json').send(body);
    };
    let requests = 0;
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(caseFor(op), async ({ ids, query, body }) => {
          let i = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => encode(ids[i++]!));
          const qs = query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
          const url = qs ? `${path}?${qs}` : path;
          const before = await state();
          const res = await send(op, url, body);
          requests++;
          const where = `${op.method.toUpperCase()} ${url.slice(0, 200)} → ${res.status}`;
          expect({ where, server: res.status >= 500 }).toEqual({ where, server: false });
          if (res.status >= 400) {
            expect({ where, keys: Object.keys(res.body).sort() }).toEqual({ where, keys: ['attr', 'code', 'detail', 'type'] });
            expect(typeof res.body.detail).toBe('string');
            expect(res.body.detail.length).toBeLessThan(300);
            expect({ where, state: await state() }).toEqual({ where, state: before });
          }
        }),
        { numRuns: RUNS_PER_OPERATION, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
      );
    }
    expect(requests).toBeGreaterThanOrEqual(ops.length * RUNS_PER_OPERATION);
  }, 120_000);
});
