import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { userUpdateBodySchema } from '#libs/users';
import { loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { snapshot } from './helpers.js';

interface Operation {
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, JsonSchema> } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  format?: string;
  anyOf?: JsonSchema[];
  minimum?: number;
  pattern?: string;
}

/** Values a client generated from the document may send for `schema`. */
function allowedValues(schema: JsonSchema): unknown[] {
  const values: unknown[] = schema.nullable ? [null] : [];
  if (schema.anyOf) return [...values, ...schema.anyOf.flatMap(allowedValues)];
  if (schema.enum) return [...values, ...schema.enum.filter((v) => v !== null)];
  switch (schema.type) {
    case 'boolean':
      return [...values, true, false];
    case 'integer':
      return [...values, schema.minimum ?? 1];
    case 'object':
      return [...values, {}];
    case 'string':
      return [...values, schema.format === 'email' ? 'someone.new@example.com' : schema.pattern ? '12' : 'Ada'];
    default:
      throw new Error(`no sample for ${JSON.stringify(schema)}`);
  }
}

/** A value the document does not allow for `schema` (a wrong JSON type, or a value off the list). */
function forbiddenValue(schema: JsonSchema): unknown {
  if (schema.anyOf) return { not: 'any of them' };
  if (schema.enum) return 'not-on-the-list';
  return schema.type === 'boolean' ? 'yes' : schema.type === 'object' ? [1] : schema.type === 'string' ? 12345 : 'text';
}

describe('users routes in the OpenAPI document', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    t = await createTestApp();
    paths = (await t.http().get('/api/schema').expect(200)).body.paths;
  });
  afterAll(() => t.close());

  it.each([
    ['/api/users', 'get', '200'],
    ['/api/users/{uuid}', 'get', '200'],
    ['/api/users/{uuid}', 'patch', '200'],
    ['/api/users/{uuid}', 'put', '200'],
    ['/api/users/{uuid}', 'delete', '204'],
    ['/api/users/{uuid}/credentials_review_complete', 'post', '204'],
    ['/api/users/{uuid}/github_login', 'get', '200'],
    ['/api/users/{uuid}/hedgehog_config', 'get', '200'],
    ['/api/users/{uuid}/hedgehog_config', 'patch', '200'],
  ])('documents %s %s', (path, method, status) => {
    const operation = paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(operation!.responses[status]).toBeDefined();
    if (status === '200') expect(operation!.responses[status]!.content?.['application/json']?.schema).toBeDefined();
    if (method === 'patch' || method === 'put') expect(operation!.requestBody?.content['application/json']?.schema).toBeDefined();
  });

  describe('the update body, against the validator', () => {
    let properties: Record<string, JsonSchema>;
    let client: SessionClient;
    let userId: number;
    beforeAll(async () => {
      properties = paths['/api/users/{uuid}']!.patch!.requestBody!.content['application/json']!.schema.properties!;
      // Staff, so that `is_staff` reaches its value check rather than the staff rule.
      const logged = await loggedInUser(t.app, { isStaff: true });
      client = logged.client;
      userId = logged.user.id;
    });

    it('lists the fields the PATCH reads', () => {
      expect(Object.keys(properties).length).toBeGreaterThan(15);
    });

    it('accepts, for every documented field, each value the document allows', () => {
      for (const [field, schema] of Object.entries(properties)) {
        for (const value of allowedValues(schema)) {
          const result = userUpdateBodySchema.safeParse({ [field]: value });
          expect({ field, value, issues: result.error?.issues ?? [] }).toEqual({ field, value, issues: [] });
          expect(Object.keys(result.data!)).toEqual([field]);
        }
      }
    });

    it('refuses, for every documented field, a value the document does not allow, naming the field', async () => {
      for (const [field, schema] of Object.entries(properties)) {
        const res = await client.patch('/api/users/@me/', { [field]: forbiddenValue(schema) });
        expect({ field, status: res.status, attr: res.body.attr }).toEqual({ field, status: 400, attr: field });
      }
    });

    it('ignores property names the document does not list, changing nothing', async () => {
      const before = await snapshot(t, userId);
      const res = await client.patch('/api/users/@me/', { unknown_key: 1, id: 999, uuid: 'x', date_joined: 'y', has_password: false, is_2fa_enabled: true });
      expect(res.status).toBe(200);
      expect(await snapshot(t, userId)).toEqual(before);
    });
  });

  it('publishes the user body with its fields', () => {
    const schema = paths['/api/users/{uuid}']!.get!.responses['200']!.content!['application/json']!.schema as { properties: object };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['notification_settings', 'requires_credential_review', 'organizations']));
    expect(Object.keys(schema.properties)).not.toContain('password');
  });
});
