import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createApiKey, createOrganization, loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** Fields no PATCH body may change, whatever it holds. */
const READ_ONLY = [
  'id',
  'uuid',
  'distinct_id',
  'date_joined',
  'pending_email',
  'is_email_verified',
  'has_password',
  'is_staff',
  'is_2fa_enabled',
  'organizations',
  'requires_credential_review',
] as const;

const KEYS = [
  'first_name', 'last_name', 'email', 'password', 'current_password', 'notification_settings', 'anonymize_data',
  'allow_impersonation', 'toolbar_mode', 'is_staff', 'set_current_organization', 'set_current_team', 'events_column_config',
  'has_seen_product_intro_for', 'theme_mode', 'hedgehog_config', 'allow_sidebar_suggestions', 'shortcut_position',
  'role_at_organization', 'passkeys_enabled_for_2fa', 'hide_mcp_hints',
  ...READ_ONLY, 'team', 'organization', 'personal_api_key', '__proto__', 'constructor', 'unknown_key',
];

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', 'a'.repeat(300), 'dark', 'toolbar', 'above', 'engineering', '<b>', 'x@example.com', 2 ** 40, -1, 1.5),
  fc.dictionary(fc.constantFrom('plugin_disabled', 'project_weekly_digest_disabled', 'data_pipeline_error_threshold', 'bogus', '\u0000'), fc.jsonValue({ maxDepth: 2 })),
);
const body = fc.oneof(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 }), fc.object({ maxDepth: 2 }));

const readOnly = (user: Record<string, unknown>) => Object.fromEntries(READ_ONLY.map((k) => [k, user[k]]));

describe('PATCH /api/users/@me/ with random bodies', () => {
  let t: TestApp;
  let client: SessionClient;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp();
    const logged = await loggedInUser(t.app);
    client = logged.client;
    await createOrganization(t.app, logged.user);
    key = await createApiKey(t.app, logged.user, ['user:write']);
  });
  afterAll(() => t.close());

  it.each(['session', 'api key'])('never answers 5xx nor changes a read-only field (%s)', async (via) => {
    const before = readOnly((await client.get('/api/users/@me/').expect(200)).body);
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const req =
          via === 'session'
            ? client.patch('/api/users/@me/', sent)
            : t.http().patch('/api/users/@me/').set('Authorization', `Bearer ${key}`).send(sent);
        const res = await req;
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) expect(readOnly(res.body)).toEqual(before);
        else expect(Object.keys(res.body).sort()).toEqual(['attr', 'code', 'detail', 'type']);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(readOnly((await client.get('/api/users/@me/').expect(200)).body)).toEqual(before);
  });
});
