import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UPDATE_FIELDS } from '../../../apps/api/src/users/user-update-body.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

interface Operation {
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
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

  it('publishes exactly the fields the update reads', () => {
    const schema = paths['/api/users/{uuid}']!.patch!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual([...UPDATE_FIELDS].sort());
  });

  it('publishes the user body with its fields', () => {
    const schema = paths['/api/users/{uuid}']!.get!.responses['200']!.content!['application/json']!.schema as { properties: object };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['notification_settings', 'requires_credential_review', 'organizations']));
    expect(Object.keys(schema.properties)).not.toContain('password');
  });
});
