import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganization, createUser, loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { denied, expectError, makeSessionStale, REAUTH, validation } from '../users/helpers.js';

const SESSION_ONLY = { type: 'authentication_error', code: 'authentication_failed', detail: 'This action requires a browser session.', attr: null };
const NOT_FOUND = { type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null };
const LIMIT = validation('invalid_input', 'You can only have 10 personal API keys. Remove an existing key before creating a new one.', null);
const create = (client: SessionClient, body: object = {}) => client.post('/api/personal_api_keys/', { label: 'k', scopes: ['*'], ...body });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('personal API key lifecycle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  // last_used_at is left out: authenticating with a key may bump it, which is not a change to the key.
  const rows = () => t.dataSource.query('SELECT id, user_id, label, secure_value, mask_value, scopes, scoped_teams, scoped_organizations, created_at, last_rolled_at FROM personal_api_keys ORDER BY created_at, id');
  const keyCount = async () => (await rows()).length;
  const bearer = (path: string, value: string) => t.http().get(path).set('Authorization', `Bearer ${value}`);
  const reviewed = async (id: number) => (await t.dataSource.query('SELECT credentials_reviewed_at FROM users WHERE id = $1', [id]))[0].credentials_reviewed_at as Date | null;

  describe('create', () => {
    it('answers the full key body with the value once, scoped lists defaulting to []', async () => {
      const { user, client } = await loggedInUser(t.app);
      const { organization, team } = await createOrganization(t.app, user);
      const res = await create(client, { label: 'ci', scopes: ['user:read'], scoped_teams: [team.id], scoped_organizations: [organization.id.toUpperCase()] }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        label: 'ci',
        value: expect.stringMatching(/^phx_[0-9A-Za-z]{43}$/),
        mask_value: `${res.body.value.slice(0, 4)}...${res.body.value.slice(-4)}`,
        created_at: ISO,
        last_used_at: null,
        last_rolled_at: null,
        user_id: user.id,
        scopes: ['user:read'],
        scoped_teams: [team.id],
        scoped_organizations: [organization.id],
      });
      const plain = await create(client).expect(201);
      expect(plain.body).toMatchObject({ scoped_teams: [], scoped_organizations: [] });
    });

    it.each([
      [{ label: 'ok', scopes: [] }, validation('invalid_input', 'At least one scope is required.', 'scopes')],
      [{ label: 'ok', scopes: ['user:read', 'user:admin'] }, validation('invalid_input', 'Invalid scope: user:admin', 'scopes')],
      [{ label: 'ok', scopes: ['team:read'] }, validation('invalid_input', 'Invalid scope: team:read', 'scopes')],
      [{ label: 'ok', scopes: ['x'.repeat(101)] }, validation('invalid_input', 'Invalid scope.', 'scopes')],
      [{ label: 'ok', scopes: ['*'], scoped_organizations: ['not-a-uuid'] }, validation('invalid_input', 'Invalid organization UUID', 'scoped_organizations')],
      [{ label: 'ok', scopes: ['*'], scoped_organizations: '00000000-0000-0000-0000-000000000000' }, validation('invalid_input', 'Expected a list of items.', 'scoped_organizations')],
      [{ label: 'ok', scopes: ['*'], scoped_teams: ['1'] }, validation('invalid_input', 'A valid number is required.', 'scoped_teams')],
      [{ label: 'ok', scopes: ['*'], scoped_teams: null }, validation('null', 'This field may not be null.', 'scoped_teams')],
      // Field order: label, scopes, scoped_teams, scoped_organizations (first error only).
      [{ label: '', scopes: [], scoped_teams: ['x'] }, validation('blank', 'This field may not be blank.', 'label')],
      [{ label: 'ok', scopes: ['nope'], scoped_teams: ['x'], scoped_organizations: ['x'] }, validation('invalid_input', 'Invalid scope: nope', 'scopes')],
      [{ label: 'ok', scopes: ['*'], scoped_teams: ['x'], scoped_organizations: ['x'] }, validation('invalid_input', 'A valid number is required.', 'scoped_teams')],
    ])('refuses %j exactly, creating nothing', async (body, error) => {
      const { client } = await loggedInUser(t.app);
      expectError(await client.post('/api/personal_api_keys/', body), 400, error);
      expect(await keyCount()).toBe(0);
    });

    it("refuses scoping to an organization or team the caller is not a member of (teams first)", async () => {
      const { user, client } = await loggedInUser(t.app);
      const own = await createOrganization(t.app, user, 'Mine');
      const other = await createOrganization(t.app, await createUser(t.app), 'Theirs');
      const teamsError = validation('invalid_input', 'You must be a member of all teams that you are scoping the key to.', 'scoped_teams');
      const orgsError = validation('invalid_input', 'You must be a member of all organizations that you are scoping the key to.', 'scoped_organizations');
      expectError(await create(client, { scoped_teams: [own.team.id, other.team.id] }), 400, teamsError);
      expectError(await create(client, { scoped_teams: [999999999999] }), 400, teamsError);
      expectError(await create(client, { scoped_organizations: [own.organization.id, other.organization.id] }), 400, orgsError);
      expectError(await create(client, { scoped_teams: [other.team.id], scoped_organizations: [other.organization.id] }), 400, teamsError);
      expect(await keyCount()).toBe(0);
      await create(client, { scoped_teams: [own.team.id], scoped_organizations: [own.organization.id] }).expect(201);
    });

    it('allows 10 keys per user; the 11th is refused and nothing is created', async () => {
      const { user, client } = await loggedInUser(t.app);
      for (let i = 0; i < 10; i++) await create(client, { label: `k${i}` }).expect(201);
      expectError(await create(client), 400, LIMIT);
      expect(await keyCount()).toBe(10);
      // Another user's keys do not count.
      const other = await loggedInUser(t.app);
      await create(other.client).expect(201);
      // Deleting one makes room again.
      const [{ id }] = await t.dataSource.query('SELECT id FROM personal_api_keys WHERE user_id = $1 LIMIT 1', [user.id]);
      await client.delete(`/api/personal_api_keys/${id}/`).expect(204);
      await create(client).expect(201);
    });

    it('20 parallel creates leave exactly 10 keys (the count and the insert are atomic)', async () => {
      const { user, client } = await loggedInUser(t.app);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => create(client, { label: `p${i}` })));
      expect(results.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), ...Array(10).fill(400)]);
      for (const r of results.filter((x) => x.status === 400)) expect(r.body).toEqual(LIMIT);
      expect(Number((await t.dataSource.query('SELECT count(*) AS n FROM personal_api_keys WHERE user_id = $1', [user.id]))[0].n)).toBe(10);
    });
  });

  describe('list and retrieve', () => {
    it('lists newest first, values null', async () => {
      const { client } = await loggedInUser(t.app);
      for (const label of ['first', 'second', 'third']) await create(client, { label }).expect(201);
      const res = await client.get('/api/personal_api_keys/').expect(200);
      expect(res.body.results.map((k: { label: string }) => k.label)).toEqual(['third', 'second', 'first']);
      expect(res.body.results.every((k: { value: unknown }) => k.value === null)).toBe(true);
    });

    it("retrieves an own key by id with value null; another user's key, an unknown or a malformed id is 404", async () => {
      const { user, client } = await loggedInUser(t.app);
      const created = (await create(client, { label: 'mine' }).expect(201)).body;
      const res = await client.get(`/api/personal_api_keys/${created.id}/`).expect(200);
      expect(res.body).toEqual({ ...created, value: null });
      const theirs = await loggedInUser(t.app);
      const other = (await create(theirs.client).expect(201)).body;
      expectError(await client.get(`/api/personal_api_keys/${other.id}/`), 404, NOT_FOUND);
      expectError(await client.get('/api/personal_api_keys/00000000-0000-0000-0000-000000000000/'), 404, NOT_FOUND);
      expectError(await client.get('/api/personal_api_keys/nope/'), 404, NOT_FOUND);
      expect(user.id).toBe(created.user_id);
    });

    it('@current answers a session with 404', async () => {
      const { client } = await loggedInUser(t.app);
      expectError(await client.get('/api/personal_api_keys/@current/'), 404, NOT_FOUND);
    });
  });

  describe('with a personal API key', () => {
    it('reads itself through @current and its own id, whatever its scopes', async () => {
      const user = await createUser(t.app);
      const value = await createApiKey(t.app, user, ['organization:read'], 'self');
      const current = await bearer('/api/personal_api_keys/@current/', value).expect(200);
      expect(current.body).toMatchObject({ label: 'self', value: null, user_id: user.id, scopes: ['organization:read'] });
      const byId = await bearer(`/api/personal_api_keys/${current.body.id}`, value).expect(200);
      expect(byId.body).toEqual({ ...current.body, last_used_at: expect.any(String) });
      expect(current.body.last_used_at).toEqual(expect.any(String));
    });

    it("gets 403 for another key of its user and 404 for another user's key", async () => {
      const user = await createUser(t.app);
      const value = await createApiKey(t.app, user, ['*'], 'self');
      await createApiKey(t.app, user, ['*'], 'sibling');
      await createApiKey(t.app, await createUser(t.app), ['*'], 'stranger');
      const ids = Object.fromEntries((await rows()).map((r: { label: string; id: string }) => [r.label, r.id]));
      expectError(await bearer(`/api/personal_api_keys/${ids.sibling}/`, value), 403, denied('A personal API key can only read itself.'));
      expectError(await bearer(`/api/personal_api_keys/${ids.stranger}/`, value), 404, NOT_FOUND);
    });

    it.each([
      ['patch', ':id'],
      ['put', ':id'],
      ['delete', ':id'],
      ['post', ':id/roll'],
      ['get', ''],
      ['post', ''],
    ])('%s /api/personal_api_keys/%s is session only (401), nothing changes', async (method, suffix) => {
      const user = await createUser(t.app);
      const value = await createApiKey(t.app, user, ['*'], 'self');
      const before = await rows();
      const path = `/api/personal_api_keys/${suffix.replace(':id', before[0].id)}`;
      const res = await t.http()[method as 'post'](path).set('Authorization', `Bearer ${value}`).send({ label: 'changed', scopes: ['*'] });
      expectError(res, 401, SESSION_ONLY);
      expect(await rows()).toEqual(before);
    });
  });

  describe('update', () => {
    it('changes label, scopes and scoping; the secret, mask and timestamps stay; read-only keys are ignored', async () => {
      const { user, client } = await loggedInUser(t.app);
      const { organization, team } = await createOrganization(t.app, user);
      const created = (await create(client, { label: 'before', scopes: ['user:read'] }).expect(201)).body;
      const res = await client
        .patch(`/api/personal_api_keys/${created.id}/`, {
          label: 'after', scopes: ['organization:write'], scoped_teams: [team.id], scoped_organizations: [organization.id],
          value: 'phx_x', mask_value: 'x', id: 'x', user_id: 999, created_at: '2000-01-01T00:00:00.000Z', last_rolled_at: '2000-01-01T00:00:00.000Z',
        })
        .expect(200);
      expect(res.body).toEqual({ ...created, value: null, label: 'after', scopes: ['organization:write'], scoped_teams: [team.id], scoped_organizations: [organization.id] });
      // The old value still works, with the new scopes.
      await t.http().get('/api/organizations/').set('Authorization', `Bearer ${created.value}`).expect(200);
      await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${created.value}`).expect(403);
      // Only what is given changes.
      const partial = await client.patch(`/api/personal_api_keys/${created.id}/`, { label: 'again' }).expect(200);
      expect(partial.body).toMatchObject({ label: 'again', scopes: ['organization:write'], scoped_teams: [team.id] });
    });

    it('PUT behaves as PATCH', async () => {
      const { client } = await loggedInUser(t.app);
      const created = (await create(client, { label: 'before', scopes: ['user:read'] }).expect(201)).body;
      const res = await client.put(`/api/personal_api_keys/${created.id}/`, { label: 'put' }).expect(200);
      expect(res.body).toEqual({ ...created, value: null, label: 'put' });
    });

    it.each([
      [{ scopes: [] }, validation('invalid_input', 'At least one scope is required.', 'scopes')],
      [{ label: '' }, validation('blank', 'This field may not be blank.', 'label')],
      [{ label: 'x'.repeat(41) }, validation('max_length', 'Ensure this field has no more than 40 characters.', 'label')],
      [{ scopes: ['bad:read'] }, validation('invalid_input', 'Invalid scope: bad:read', 'scopes')],
      [{ scoped_organizations: ['00000000-0000-0000-0000-000000000000'] }, validation('invalid_input', 'You must be a member of all organizations that you are scoping the key to.', 'scoped_organizations')],
      [{ scoped_teams: [123456] }, validation('invalid_input', 'You must be a member of all teams that you are scoping the key to.', 'scoped_teams')],
    ])('refuses %j exactly, changing nothing', async (body, error) => {
      const { client } = await loggedInUser(t.app);
      const created = (await create(client).expect(201)).body;
      const before = await rows();
      expectError(await client.patch(`/api/personal_api_keys/${created.id}/`, body), 400, error);
      expect(await rows()).toEqual(before);
    });

    it("answers 404 for another user's key, changing nothing", async () => {
      const { client } = await loggedInUser(t.app);
      const theirs = (await create((await loggedInUser(t.app)).client).expect(201)).body;
      const before = await rows();
      expectError(await client.patch(`/api/personal_api_keys/${theirs.id}/`, { label: 'mine now' }), 404, NOT_FOUND);
      expectError(await client.post(`/api/personal_api_keys/${theirs.id}/roll/`), 404, NOT_FOUND);
      expectError(await client.delete(`/api/personal_api_keys/${theirs.id}/`), 404, NOT_FOUND);
      expect(await rows()).toEqual(before);
    });
  });

  describe('roll', () => {
    it('gives a new value and mask, sets last_rolled_at, keeps the rest; the old value is refused at once', async () => {
      const { client } = await loggedInUser(t.app);
      const created = (await create(client, { label: 'roll me', scopes: ['user:read'] }).expect(201)).body;
      await bearer('/api/users/@me/', created.value).expect(200);
      const lastUsed = (await client.get(`/api/personal_api_keys/${created.id}/`).expect(200)).body.last_used_at;
      const res = await client.post(`/api/personal_api_keys/${created.id}/roll/`, { label: 'ignored' }).expect(200);
      expect(res.body).toEqual({
        ...created,
        value: expect.stringMatching(/^phx_[0-9A-Za-z]{43}$/),
        mask_value: `${res.body.value.slice(0, 4)}...${res.body.value.slice(-4)}`,
        last_used_at: lastUsed,
        last_rolled_at: ISO,
      });
      expect(res.body.value).not.toBe(created.value);
      expect(Math.abs(Date.parse(res.body.last_rolled_at) - Date.now())).toBeLessThan(10_000);
      await bearer('/api/users/@me/', created.value).expect(401);
      await bearer('/api/users/@me/', res.body.value).expect(200);
    });
  });

  describe('re-auth window for session writes', () => {
    it('refuses create, update, roll and delete from a stale session, changing nothing; reads still work', async () => {
      const { client } = await loggedInUser(t.app);
      const created = (await create(client).expect(201)).body;
      await makeSessionStale(t, client);
      const before = await rows();
      expectError(await create(client), 403, REAUTH);
      expectError(await client.patch(`/api/personal_api_keys/${created.id}/`, { label: 'x' }), 403, REAUTH);
      expectError(await client.put(`/api/personal_api_keys/${created.id}/`, { label: 'x' }), 403, REAUTH);
      expectError(await client.post(`/api/personal_api_keys/${created.id}/roll/`), 403, REAUTH);
      expectError(await client.delete(`/api/personal_api_keys/${created.id}/`), 403, REAUTH);
      // The permission check comes before validation: an invalid body is refused for the window first.
      expectError(await client.post('/api/personal_api_keys/', { label: 7, scopes: 'nope' }), 403, REAUTH);
      expectError(await client.patch(`/api/personal_api_keys/${created.id}/`, { scopes: ['not:a-scope'] }), 403, REAUTH);
      expect(await rows()).toEqual(before);
      await bearer('/api/users/@me/', created.value).expect(200);
      await client.get('/api/personal_api_keys/').expect(200);
      await client.get(`/api/personal_api_keys/${created.id}/`).expect(200);
    });
  });

  describe('credentials review', () => {
    it("the user's own first key (from their session) marks credentials reviewed", async () => {
      const { user, client } = await loggedInUser(t.app);
      expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(false);
      await create(client).expect(201);
      expect(await reviewed(user.id)).not.toBeNull();
      expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(false);
    });

    it('a key that existed before (made by someone else) still needs review after the user adds one', async () => {
      const { user, client } = await loggedInUser(t.app);
      await createApiKey(t.app, user, ['*'], 'from a partner');
      expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(true);
      await create(client).expect(201);
      expect(await reviewed(user.id)).toBeNull();
      expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(true);
    });

    it('a refused create does not mark anything', async () => {
      const { user, client } = await loggedInUser(t.app);
      await client.post('/api/personal_api_keys/', { label: 'x', scopes: [] }).expect(400);
      expect(await reviewed(user.id)).toBeNull();
    });
  });

  describe('keys scoped to organizations', () => {
    it('list only those organizations and get 403 on the others, deleting nothing', async () => {
      const user = await createUser(t.app);
      const a = await createOrganization(t.app, user, 'Alpha');
      const b = await createOrganization(t.app, user, 'Beta');
      const { value } = await t.app.get((await import('#libs/auth')).ApiKeysService).create(user.id, { label: 'a only', scopes: ['*'], scopedOrganizations: [a.organization.id] });
      const list = await bearer('/api/organizations/', value).expect(200);
      expect(list.body).toMatchObject({ count: 1, results: [{ id: a.organization.id }] });
      const res = await t.http().delete(`/api/organizations/${b.organization.id}/`).set('Authorization', `Bearer ${value}`);
      expectError(res, 403, denied(`API key does not have access to the requested organization: ID ${b.organization.id}.`));
      expect(await t.dataSource.query('SELECT id FROM organizations WHERE id = $1', [b.organization.id])).toHaveLength(1);
      // An unknown organization is refused the same way (nothing about it is revealed).
      expect((await t.http().delete('/api/organizations/00000000-0000-0000-0000-000000000000/').set('Authorization', `Bearer ${value}`)).status).toBe(403);
      await t.http().delete(`/api/organizations/${a.organization.id}/`).set('Authorization', `Bearer ${value}`).expect(204);
      // Unscoped keys and sessions see everything.
      const unscoped = await createApiKey(t.app, user, ['*']);
      expect((await bearer('/api/organizations/', unscoped).expect(200)).body.count).toBe(1);
    });
  });
});

describe('rolling a key with two api processes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
  });
  afterAll(async () => {
    await b.app.close();
    await a.close();
  });

  it('the old value is refused at once on both, the new one works on both', async () => {
    const { client } = await loggedInUser(a.app);
    const created = (await client.post('/api/personal_api_keys/', { label: 'shared', scopes: ['user:read'] }).expect(201)).body;
    // Both processes have just authenticated the key (warm, were there any cache).
    for (const t of [a, b]) await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${created.value}`).expect(200);
    const rolled = (await client.post(`/api/personal_api_keys/${created.id}/roll/`).expect(200)).body;
    for (const t of [a, b]) {
      await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${created.value}`).expect(401);
      await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${rolled.value}`).expect(200);
    }
    await client.delete(`/api/personal_api_keys/${created.id}/`).expect(204);
    for (const t of [a, b]) await t.http().get('/api/users/@me/').set('Authorization', `Bearer ${rolled.value}`).expect(401);
  });
});
