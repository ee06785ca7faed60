import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

interface Parameter {
  name: string;
  in: 'query' | 'path';
  required?: boolean;
  schema: { type?: string; enum?: string[]; minimum?: number; maximum?: number };
}
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
}
type Paths = Record<string, Record<string, Operation>>;

const params = (op: Operation, where: 'query' | 'path') => (op.parameters ?? []).filter((p) => p.in === where);

/**
 * The served OpenAPI document and the validator are one schema (docs/architecture.md): what the
 * document says a route takes, the route takes, and nothing it does not say.
 */
describe('the OpenAPI document and the validator agree', () => {
  let t: TestApp;
  let paths: Paths;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp();
    paths = (await t.http().get('/api/schema').expect(200)).body.paths;
    const staff = await createUser(t.app, { isStaff: true });
    key = await createApiKey(t.app, staff, ['*']);
  });
  afterAll(() => t.close());
  const get = (url: string) => t.http().get(url).set('Authorization', `Bearer ${key}`);

  it('names path parameters as PostHog does', () => {
    const names = new Set(Object.keys(paths).flatMap((path) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])));
    expect([...names].sort()).toEqual(['id', 'installation_id', 'user_id', 'uuid']);
    for (const [path, operations] of Object.entries(paths)) {
      for (const op of Object.values(operations)) {
        const declared = params(op, 'path').map((p) => p.name).sort();
        expect([path, declared]).toEqual([path, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()]);
      }
    }
  });

  it('documents limit and offset, as integers with their bounds, on every paginated list', () => {
    const lists = Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op.responses['200']?.content?.['application/json']?.schema.properties?.results).map(([method, op]) => ({ path, method, op })),
    );
    expect(lists.map((l) => l.path).sort()).toEqual(['/api/organizations', '/api/personal_api_keys', '/api/users', '/api/users/{uuid}/integrations']);
    for (const { op } of lists) {
      const query = Object.fromEntries(params(op, 'query').map((p) => [p.name, p.schema]));
      expect(query.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
      expect(query.offset).toMatchObject({ type: 'integer', minimum: 0 });
    }
  });

  it('documents the repos and branches queries PostHog lists', () => {
    const repos = paths['/api/users/{uuid}/integrations/github/{installation_id}/repos']!.get!;
    const branches = paths['/api/users/{uuid}/integrations/github/{installation_id}/branches']!.get!;
    expect(params(repos, 'query').map((p) => p.name)).toEqual(['search', 'limit', 'offset']);
    expect(params(branches, 'query').map((p) => [p.name, p.required])).toEqual([
      ['repo', true],
      ['search', false],
      ['limit', false],
      ['offset', false],
    ]);
    expect(params(repos, 'query').find((p) => p.name === 'limit')!.schema).toMatchObject({ minimum: 1, maximum: 500 });
  });

  it('accepts every documented ?is_staff value and refuses any other', async () => {
    const isStaff = params(paths['/api/users']!.get!, 'query').find((p) => p.name === 'is_staff')!;
    expect(isStaff.schema.enum!.sort()).toEqual(['0', '1', 'False', 'True', 'false', 'true']);
    for (const value of isStaff.schema.enum!) await get(`/api/users/?is_staff=${value}`).expect(200);
    for (const value of ['TRUE', 'yes', 'on', '2']) {
      const res = await get(`/api/users/?is_staff=${value}`);
      expect([value, res.status, res.body.code, res.body.attr]).toEqual([value, 400, 'invalid_choice', 'is_staff']);
    }
  });

  it('accepts limit at each documented bound and refuses one past it (the lists a key may read)', async () => {
    for (const [url, path] of [
      ['/api/users/', '/api/users'],
      ['/api/organizations/', '/api/organizations'],
      ['/api/users/@me/integrations/', '/api/users/{uuid}/integrations'],
    ] as const) {
      const limit = params(paths[path]!.get!, 'query').find((p) => p.name === 'limit')!.schema;
      await get(`${url}?limit=${limit.minimum}`).expect(200);
      await get(`${url}?limit=${limit.maximum}`).expect(200);
      const over = await get(`${url}?limit=${limit.maximum! + 1}`);
      expect([url, over.status, over.body.code, over.body.attr]).toEqual([url, 400, 'max_value', 'limit']);
      const under = await get(`${url}?limit=${limit.minimum! - 1}`);
      expect([url, under.status, under.body.code]).toEqual([url, 400, 'min_value']);
      const word = await get(`${url}?limit=ten`);
      expect([url, word.status, word.body.detail]).toEqual([url, 400, 'A valid integer is required.']);
    }
  });
});
