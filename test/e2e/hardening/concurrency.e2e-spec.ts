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
});
