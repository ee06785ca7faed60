import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GithubLoginLookup } from '#libs/users';
import { createApiKey, createUser, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { denied, expectError, makeSessionStale, NON_STAFF_ME, REAUTH, storedUser, validation } from './helpers.js';

const SESSION_ONLY = { type: 'authentication_error', code: 'authentication_failed', detail: 'This action requires a browser session.', attr: null };

describe('user detail actions', () => {
  let t: TestApp;
  const logins = new Map<number, string>();
  beforeAll(async () => {
    t = await createTestApp({
      customize: (builder) =>
        builder.overrideProvider(GithubLoginLookup).useValue({ githubLoginFor: async (userId: number) => logins.get(userId) ?? null }),
    });
  });
  beforeEach(async () => {
    await t.reset();
    logins.clear();
  });
  afterAll(() => t.close());

  describe('POST credentials_review_complete', () => {
    it('records the review once and clears requires_credential_review', async () => {
      const { user, client } = await loggedInUser(t.app);
      await createApiKey(t.app, user, ['user:read']);
      expect((await client.get('/api/users/@me/')).body.requires_credential_review).toBe(true);
      await client.post('/api/users/@me/credentials_review_complete/').expect(204).expect((res) => expect(res.text).toBe(''));
      const first = (await storedUser(t, user.id))!.credentialsReviewedAt;
      expect(first).not.toBeNull();
      expect((await client.get('/api/users/@me/')).body.requires_credential_review).toBe(false);
      await client.post('/api/users/@me/credentials_review_complete').expect(204);
      expect((await storedUser(t, user.id))!.credentialsReviewedAt).toEqual(first);
    });

    it('refuses API keys, anonymous callers, stale sessions and other users', async () => {
      const { user, client } = await loggedInUser(t.app);
      const key = await createApiKey(t.app, user, ['*']);
      expectError(await t.http().post('/api/users/@me/credentials_review_complete/').set('Authorization', `Bearer ${key}`), 401, SESSION_ONLY);
      expect((await t.http().post('/api/users/@me/credentials_review_complete/')).status).toBe(401);
      const other = await createUser(t.app);
      expectError(await client.post(`/api/users/${other.uuid}/credentials_review_complete/`), 403, denied(NON_STAFF_ME));
      await makeSessionStale(t, client);
      expectError(await client.post('/api/users/@me/credentials_review_complete/'), 403, REAUTH);
      expect((await storedUser(t, user.id))!.credentialsReviewedAt).toBeNull();
    });
  });

  describe('GET github_login', () => {
    it('answers what the GitHub login lookup says, null by default', async () => {
      const { user, client } = await loggedInUser(t.app);
      expect((await client.get('/api/users/@me/github_login/').expect(200)).body).toEqual({ github_login: null });
      logins.set(user.id, 'octocat');
      expect((await client.get('/api/users/@me/github_login').expect(200)).body).toEqual({ github_login: 'octocat' });
    });

    it('follows the target rules and needs user:read', async () => {
      const other = await createUser(t.app);
      logins.set(other.id, 'hubot');
      const { user, client } = await loggedInUser(t.app);
      expectError(await client.get(`/api/users/${other.uuid}/github_login/`), 403, denied(NON_STAFF_ME));
      const { client: staff } = await loggedInUser(t.app, { isStaff: true });
      expect((await staff.get(`/api/users/${other.uuid}/github_login/`).expect(200)).body).toEqual({ github_login: 'hubot' });
      const readKey = await createApiKey(t.app, user, ['user:read']);
      await t.http().get('/api/users/@me/github_login/').set('Authorization', `Bearer ${readKey}`).expect(200);
      const orgKey = await createApiKey(t.app, user, ['organization:read']);
      expectError(await t.http().get('/api/users/@me/github_login/').set('Authorization', `Bearer ${orgKey}`), 403, denied("API key missing required scope 'user:read'"));
    });
  });

  describe('hedgehog_config', () => {
    it('is {} when unset and the stored object otherwise', async () => {
      const { client } = await loggedInUser(t.app);
      expect((await client.get('/api/users/@me/hedgehog_config/').expect(200)).body).toEqual({});
      await client.patch('/api/users/@me/', { hedgehog_config: { 'a bag': 'of data' } }).expect(200);
      expect((await client.get('/api/users/@me/hedgehog_config').expect(200)).body).toEqual({ 'a bag': 'of data' });
    });

    it('replaces the whole object on PATCH, without the re-auth window', async () => {
      const { user, client } = await loggedInUser(t.app);
      await client.patch('/api/users/@me/hedgehog_config/', { color: 'green', accessories: ['hat'] }).expect(200);
      await makeSessionStale(t, client);
      const res = await client.patch('/api/users/@me/hedgehog_config/', { skin: 'robo' }).expect(200);
      expect(res.body).toEqual({ skin: 'robo' });
      expect((await storedUser(t, user.id))!.hedgehogConfig).toEqual({ skin: 'robo' });
      expect((await client.get('/api/users/@me/').expect(200)).body.hedgehog_config).toEqual({ skin: 'robo' });
    });

    it('refuses a non-object and an oversized object, keeping the stored one', async () => {
      const { user, client } = await loggedInUser(t.app);
      await client.patch('/api/users/@me/hedgehog_config/', { keep: true }).expect(200);
      expectError(await client.patch('/api/users/@me/hedgehog_config/', [1] as unknown as object), 400, validation('invalid_input', 'Invalid data. Expected a dictionary, but got list.', null));
      expectError(
        await client.patch('/api/users/@me/hedgehog_config/', { blob: 'x'.repeat(70_000) }),
        400,
        validation('max_length', 'Ensure this value is no larger than 65536 bytes as JSON.', 'hedgehog_config'),
      );
      expect((await storedUser(t, user.id))!.hedgehogConfig).toEqual({ keep: true });
    });

    it('uses user:read to read and user:write to write with an API key, never storing the key', async () => {
      const user = await createUser(t.app);
      const readKey = await createApiKey(t.app, user, ['user:read']);
      const writeKey = await createApiKey(t.app, user, ['user:write']);
      await t.http().get('/api/users/@me/hedgehog_config/').set('Authorization', `Bearer ${readKey}`).expect(200);
      expectError(
        await t.http().patch('/api/users/@me/hedgehog_config/').set('Authorization', `Bearer ${readKey}`).send({ a: 1 }),
        403,
        denied("API key missing required scope 'user:write'"),
      );
      const res = await t.http().patch('/api/users/@me/hedgehog_config/').send({ personal_api_key: writeKey, a: 1 }).expect(200);
      expect(res.body).toEqual({ a: 1 });
      expect((await storedUser(t, user.id))!.hedgehogConfig).toEqual({ a: 1 });
    });
  });
});
