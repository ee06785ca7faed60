import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createApiKey, createOrganization, createUser, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { denied, expectError, makeSessionStale, NON_STAFF_ME, REAUTH, snapshot, validation } from './helpers.js';

const IDENTITY = denied('You can only change your email or password from the app, not with an API key or token.');
const NOT_STAFF = denied('You are not a staff user, contact your instance admin.');

describe('PATCH /api/users/<uuid>/: who may change what', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const withKey = async (scopes: Parameters<typeof createApiKey>[2] = ['user:write']) => {
    const user = await createUser(t.app, { email: 'alpha@example.com' });
    const key = await createApiKey(t.app, user, scopes);
    return { user, patch: (body: object, path = '/api/users/@me/') => t.http().patch(path).set('Authorization', `Bearer ${key}`).send(body) };
  };

  it('refuses an email change by API key before validating it, changing nothing', async () => {
    const { user, patch } = await withKey();
    await createUser(t.app, { email: 'taken@example.com' });
    const before = await snapshot(t, user.id);
    // A taken address and an invalid one get the same answer: validation never runs.
    expectError(await patch({ email: 'taken@example.com' }), 403, IDENTITY);
    expectError(await patch({ email: 'not an email', first_name: 'X' }), 403, IDENTITY);
    expectError(await patch({ email: null }), 403, IDENTITY);
    expect(await snapshot(t, user.id)).toEqual(before);
  });

  it('refuses any body carrying password by API key, even an empty one', async () => {
    const { user, patch } = await withKey(['*']);
    const before = await snapshot(t, user.id);
    expectError(await patch({ password: 'new-Horse-battery-99', current_password: 'correct-Horse-battery-7' }), 403, IDENTITY);
    expectError(await patch({ password: '' }), 403, IDENTITY);
    expect(await snapshot(t, user.id)).toEqual(before);
  });

  it('lets an API key send its own email back (up to case) with other changes', async () => {
    const { patch } = await withKey();
    const res = await patch({ email: ' ALPHA@example.com ', first_name: 'Alpha' }).expect(200);
    expect(res.body).toMatchObject({ email: 'alpha@example.com', first_name: 'Alpha' });
  });

  it('needs user:write on an API key', async () => {
    const { patch } = await withKey(['user:read']);
    expectError(await patch({ first_name: 'X' }), 403, denied("API key missing required scope 'user:write'"));
  });

  it('applies the target rules before the identity guard', async () => {
    const other = await createUser(t.app);
    const { user, patch } = await withKey();
    expectError(await patch({ first_name: 'X' }, `/api/users/${other.uuid}/`), 403, denied(NON_STAFF_ME));
    expectError(await patch({ email: 'x@example.com' }, `/api/users/${user.uuid}/`), 403, denied(NON_STAFF_ME));
  });

  it('asks a stale session to re-authenticate for fields outside the allow-list, changing nothing', async () => {
    const { user, client } = await loggedInUser(t.app);
    await makeSessionStale(t, client);
    const before = await snapshot(t, user.id);
    for (const body of [
      { first_name: 'Late' },
      { notification_settings: { plugin_disabled: false } },
      { anonymize_data: true },
      { theme_mode: 'dark', last_name: 'Mixed' },
      { password: 'new-Horse-battery-99', current_password: 'correct-Horse-battery-7' },
    ]) {
      expectError(await client.patch('/api/users/@me/', body), 403, REAUTH);
    }
    // An e-mail change needs a fresh re-auth: one refusal, the fresh one's (docs/api.md, Re-authentication).
    expectError(await client.patch('/api/users/@me/', { email: 'new@example.com' }), 403, {
      ...REAUTH,
      detail: "Confirm it's you before changing your email.",
    });
    expect(await snapshot(t, user.id)).toEqual(before);
    // The re-auth check comes before field validation.
    expectError(await client.patch('/api/users/@me/', { first_name: '<b>' }), 403, REAUTH);
    expectError(await client.patch('/api/users/@me/', { email: 'not an address' }), 403, { ...REAUTH, detail: "Confirm it's you before changing your email." });
  });

  it('lets a stale session change the allow-listed fields', async () => {
    const { user, client } = await loggedInUser(t.app);
    const { organization, team } = await createOrganization(t.app, user);
    await makeSessionStale(t, client);
    const res = await client
      .patch('/api/users/@me/', {
        theme_mode: 'dark',
        set_current_organization: organization.id,
        set_current_team: team.id,
        allow_sidebar_suggestions: true,
        shortcut_position: 'below',
        has_seen_product_intro_for: { flags: true },
        events_column_config: { active: ['a'] },
        role_at_organization: 'data',
        hedgehog_config: { color: 'blue' },
        hide_mcp_hints: true,
        toolbar_mode: 'disabled',
      })
      .expect(200);
    expect(res.body).toMatchObject({ theme_mode: 'dark', shortcut_position: 'below', hide_mcp_hints: true, toolbar_mode: 'disabled' });
    // Unknown and read-only keys touch nothing, so they need no re-auth either.
    await client.patch('/api/users/@me/', { organization_name: 'x', id: 5, uuid: 'x', is_2fa_enabled: true }).expect(200);
    // Reads never need it.
    await client.get('/api/users/@me/').expect(200);
  });

  it('lets a re-authenticated session through again', async () => {
    const { client } = await loggedInUser(t.app);
    await makeSessionStale(t, client);
    expectError(await client.patch('/api/users/@me/', { first_name: 'Later' }), 403, REAUTH);
    await client.post('/api/reauth', { password: 'correct-Horse-battery-7' }).expect(204);
    expect((await client.patch('/api/users/@me/', { first_name: 'Later' }).expect(200)).body.first_name).toBe('Later');
  });

  it('lets only staff set is_staff, refusing before any field error', async () => {
    const { user, client } = await loggedInUser(t.app);
    const before = await snapshot(t, user.id);
    expectError(await client.patch('/api/users/@me/', { is_staff: true }), 403, NOT_STAFF);
    expectError(await client.patch('/api/users/@me/', { first_name: '<x>', is_staff: true }), 403, NOT_STAFF);
    expect(await snapshot(t, user.id)).toEqual(before);
    expect((await client.get('/api/users/@me/')).body.is_staff).toBe(false);
  });

  it('lets staff promote and demote another user by uuid', async () => {
    const other = await createUser(t.app);
    const { client } = await loggedInUser(t.app, { isStaff: true });
    expect((await client.patch(`/api/users/${other.uuid}/`, { is_staff: true }).expect(200)).body).toMatchObject({ uuid: other.uuid, is_staff: true });
    expect((await client.patch(`/api/users/${other.uuid}/`, { is_staff: false }).expect(200)).body.is_staff).toBe(false);
    expectError(await client.patch(`/api/users/${other.uuid}/`, { is_staff: 'yes' }), 400, validation('invalid_input', 'Must be a valid boolean.', 'is_staff'));
  });

  it('refuses a non-staff PATCH of another user with the @me message, changing nothing', async () => {
    const other = await createUser(t.app);
    const { client } = await loggedInUser(t.app);
    const before = await snapshot(t, other.id);
    expectError(await client.patch(`/api/users/${other.uuid}/`, { is_staff: true }), 403, denied(NON_STAFF_ME));
    expect(await snapshot(t, other.id)).toEqual(before);
  });

  it('ignores read-only and unknown keys', async () => {
    const { user, client } = await loggedInUser(t.app);
    const before = (await client.get('/api/users/@me/')).body;
    const res = await client
      .patch('/api/users/@me/', {
        id: 999,
        uuid: '00000000-0000-4000-8000-000000000000',
        distinct_id: 'x',
        date_joined: '2000-01-01T00:00:00Z',
        pending_email: 'p@example.com',
        is_email_verified: false,
        has_password: false,
        is_2fa_enabled: true,
        requires_credential_review: true,
        organization: 'x',
        team: 1,
        organizations: [],
        sensitive_session_expires_at: null,
        organization_name: 'new name',
      })
      .expect(200);
    expect(res.body).toEqual(before);
    expect(await snapshot(t, user.id)).toMatchObject({ id: user.id, uuid: user.uuid, distinct_id: user.distinctId });
  });

  it('treats PUT as a partial update', async () => {
    const { client } = await loggedInUser(t.app, { firstName: 'Keep', lastName: 'Me' });
    const res = await client.put('/api/users/@me', { last_name: 'Changed' }).expect(200);
    expect(res.body).toMatchObject({ first_name: 'Keep', last_name: 'Changed' });
  });

  it('refuses a body that is not an object', async () => {
    const { client } = await loggedInUser(t.app);
    expectError(await client.patch('/api/users/@me/', [1, 2] as unknown as object), 400, validation('invalid_input', 'Invalid data. Expected a dictionary, but got list.', null));
  });

  it('refuses anonymous callers', async () => {
    expect((await t.http().patch('/api/users/@me/').send({ email: 'a@example.com', password: 'x' }).expect(401)).body.code).toBe('not_authenticated');
  });
});
