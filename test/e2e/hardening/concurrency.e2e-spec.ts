import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const PARALLEL = 20;

describe('concurrent writes lose nothing (docs/api.md)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it(`keeps all ${PARALLEL} ids when as many PATCHes each add one to organization_member_join_email_disabled`, async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:read', 'user:write']);
    const ids = Array.from({ length: PARALLEL }, (_, i) => `org-${i}`);
    const responses = await Promise.all(
      ids.map((id) =>
        t
          .http()
          .patch('/api/users/@me/')
          .set('Authorization', `Bearer ${key}`)
          .send({ notification_settings: { organization_member_join_email_disabled: { [id]: true }, plugin_disabled: false } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(ids.map(() => 200));
    const me = await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${key}`).expect(200);
    expect(me.body.notification_settings.organization_member_join_email_disabled).toEqual(Object.fromEntries(ids.map((id) => [id, true])));
    expect(me.body.notification_settings.plugin_disabled).toBe(false);
  });

  it('keeps different top-level keys written in parallel, and merges id maps id by id', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:read', 'user:write']);
    const patch = (notification_settings: Record<string, unknown>) =>
      t.http().patch('/api/users/@me/').set('Authorization', `Bearer ${key}`).send({ notification_settings });
    await patch({ project_weekly_digest_disabled: { '1': true, '2': true } }).expect(200);
    const results = await Promise.all([
      patch({ plugin_disabled: false }),
      patch({ discussions_mentioned: false }),
      patch({ data_pipeline_error_threshold: 0.5 }),
      patch({ project_weekly_digest_disabled: { '2': false, '3': true } }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const me = await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${key}`).expect(200);
    expect(me.body.notification_settings).toMatchObject({
      plugin_disabled: false,
      discussions_mentioned: false,
      data_pipeline_error_threshold: 0.5,
      project_weekly_digest_disabled: { '1': true, '2': false, '3': true },
    });
  });

  it('gives 12 parallel creates with one name 201 each and the slugs acme, acme-2, … acme-12', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['organization:write', 'user:read']);
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => t.http().post('/api/organizations/').set('Authorization', `Bearer ${key}`).send({ name: 'Acme' })),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
    const slugs = responses.map((r) => r.body.slug as string).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(slugs).toEqual(['acme', ...Array.from({ length: 11 }, (_, i) => `acme-${i + 2}`)]);
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM organization_memberships WHERE user_id = $1', [user.id]);
    expect(n).toBe(12);
  });

  it('continues after the highest numbered slug, and a name without letters gets "org"', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['organization:write']);
    const create = (name: string) => t.http().post('/api/organizations/').set('Authorization', `Bearer ${key}`).send({ name }).expect(201);
    expect((await create('Acme')).body.slug).toBe('acme');
    await t.dataSource.query("UPDATE organizations SET slug = 'acme-7' WHERE slug = 'acme'");
    expect((await create('ACME')).body.slug).toBe('acme-8');
    expect((await create('acme')).body.slug).toBe('acme-9');
    expect((await create('Acme Corp')).body.slug).toBe('acme-corp');
    expect((await create('!!!')).body.slug).toBe('org');
    expect((await create('???')).body.slug).toBe('org-2');
  });
});
