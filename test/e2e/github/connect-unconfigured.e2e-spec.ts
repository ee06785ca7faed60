import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { keysMatching } from '../../support/redis.js';

describe('connecting without a configured GitHub App', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { GITHUB_APP_ID: undefined, GITHUB_APP_SLUG: undefined, GITHUB_APP_PRIVATE_KEY: undefined } });
  });
  afterAll(() => t.close());

  it('answers 400 "GitHub App is not configured." and stores no state', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:write']);
    const res = await t.http().post('/api/users/@me/integrations/github/start/').set('Authorization', `Bearer ${key}`).expect(400);
    expect(res.body).toEqual({ type: 'validation_error', code: 'github_not_configured', detail: 'GitHub App is not configured.', attr: null });
    expect(await keysMatching(t.redis, 'gh:oauthstate:*')).toEqual([]);
  });
});
