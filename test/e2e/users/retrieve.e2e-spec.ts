import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MembershipLevel, OrganizationsService } from '#libs/organizations';
import { NOTIFICATION_DEFAULTS, UsersService } from '#libs/users';
import { createApiKey, createOrganization, createUser, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, denied, NON_STAFF_ME, storedUser } from './helpers.js';

const notFound = { type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null };

describe('GET /api/users/<uuid>/', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('returns every field of the body for @me, and never a password', async () => {
    const { user, client } = await loggedInUser(t.app, { firstName: 'Ada', lastName: 'Lovelace' });
    const { organization, team } = await createOrganization(t.app, user, 'Analytical');
    await t.app.get(UsersService).update(user, { roleAtOrganization: 'engineering' });
    const before = Date.now();
    const res = await client.get('/api/users/@me/').expect(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'id', 'uuid', 'distinct_id', 'date_joined', 'first_name', 'last_name', 'email', 'pending_email', 'is_email_verified',
        'notification_settings', 'anonymize_data', 'allow_impersonation', 'toolbar_mode', 'has_password', 'is_staff',
        'sensitive_session_expires_at', 'fresh_reauth_expires_at', 'has_social_auth', 'team', 'organization', 'organizations', 'events_column_config', 'is_2fa_enabled',
        'has_seen_product_intro_for', 'theme_mode', 'hedgehog_config', 'allow_sidebar_suggestions', 'shortcut_position',
        'role_at_organization', 'passkeys_enabled_for_2fa', 'hide_mcp_hints', 'requires_credential_review',
      ].sort(),
    );
    expect(res.body).toMatchObject({
      id: user.id,
      uuid: user.uuid,
      distinct_id: user.distinctId,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: user.email,
      has_password: true,
      is_staff: false,
      is_2fa_enabled: false,
      has_social_auth: false,
      role_at_organization: 'engineering',
      events_column_config: { active: 'DEFAULT' },
      toolbar_mode: 'toolbar',
      hide_mcp_hints: false,
      team: { id: team.id, uuid: team.uuid, organization: organization.id, name: 'Default project', api_token: team.apiToken, timezone: 'UTC' },
      organization: {
        id: organization.id,
        name: 'Analytical',
        slug: organization.slug,
        created_at: organization.createdAt.toISOString(),
        membership_level: 15,
        teams: [{ id: team.id, name: 'Default project' }],
      },
      organizations: [{ id: organization.id, name: 'Analytical', slug: organization.slug, membership_level: 15 }],
    });
    expect(res.body.date_joined).toBe(user.dateJoined.toISOString());
    // A fresh login: the window closes SENSITIVE_ACTION_MAX_AGE_S after it.
    const expires = Date.parse(res.body.sensitive_session_expires_at);
    expect(expires).toBeGreaterThan(before + (t.config.SENSITIVE_ACTION_MAX_AGE_S - 60) * 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + t.config.SENSITIVE_ACTION_MAX_AGE_S * 1000);
    // Every login is a fresh re-authentication: that window closes SESSION_FRESH_REAUTH_AGE_S after it.
    const fresh = Date.parse(res.body.fresh_reauth_expires_at);
    expect(fresh).toBeGreaterThan(before + (t.config.SESSION_FRESH_REAUTH_AGE_S - 60) * 1000);
    expect(fresh).toBeLessThanOrEqual(Date.now() + t.config.SESSION_FRESH_REAUTH_AGE_S * 1000);
    for (const secret of ['password', 'current_password', 'set_current_organization', 'set_current_team']) {
      expect(res.body).not.toHaveProperty(secret);
    }
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });

  it('gives API-key requests a null sensitive_session_expires_at and fresh_reauth_expires_at', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:read']);
    const res = await t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body.sensitive_session_expires_at).toBeNull();
    expect(res.body.fresh_reauth_expires_at).toBeNull();
  });

  it('overlays stored notification settings on the defaults', async () => {
    const { user, client } = await loggedInUser(t.app);
    expect((await client.get('/api/users/@me/').expect(200)).body.notification_settings).toEqual(NOTIFICATION_DEFAULTS);
    await t.app.get(UsersService).update(user, { partialNotificationSettings: { plugin_disabled: false, project_weekly_digest_disabled: { '7': true } } });
    expect((await client.get('/api/users/@me/').expect(200)).body.notification_settings).toEqual({
      ...NOTIFICATION_DEFAULTS,
      plugin_disabled: false,
      project_weekly_digest_disabled: { '7': true },
    });
  });

  it('returns a null shortcut_position as "above" and a stored one as is', async () => {
    const { user, client } = await loggedInUser(t.app);
    expect((await client.get('/api/users/@me/').expect(200)).body.shortcut_position).toBe('above');
    await t.app.get(UsersService).update(user, { shortcutPosition: 'hidden' });
    expect((await client.get('/api/users/@me/').expect(200)).body.shortcut_position).toBe('hidden');
  });

  it('saves the first organization and its first team when a membership is added to a user with none', async () => {
    const { user, client } = await loggedInUser(t.app);
    const organizations = t.app.get(OrganizationsService);
    const owner = await createUser(t.app);
    const first = await organizations.create('First', owner.id);
    const second = await organizations.create('Second', owner.id);
    await organizations.addMember(first.organization.id, user.id, MembershipLevel.Member);
    await organizations.addMember(second.organization.id, user.id, MembershipLevel.Admin);
    const res = await client.get('/api/users/@me/').expect(200);
    expect(res.body.organization).toMatchObject({ id: first.organization.id, membership_level: 1 });
    expect(res.body.team.id).toBe(first.team.id);
    expect(res.body.organizations.map((o: { id: string }) => o.id)).toEqual([first.organization.id, second.organization.id]);
    expect(await storedUser(t, user.id)).toMatchObject({ currentOrganizationId: first.organization.id, currentTeamId: first.team.id });
  });

  it('prefers a team of the current organization when only the team is missing', async () => {
    const { user, client } = await loggedInUser(t.app);
    const organizations = t.app.get(OrganizationsService);
    const owner = await createUser(t.app);
    const first = await organizations.create('First', owner.id);
    const second = await organizations.create('Second', owner.id);
    await organizations.addMember(first.organization.id, user.id, MembershipLevel.Member);
    await organizations.addMember(second.organization.id, user.id, MembershipLevel.Member);
    await t.app.get(UsersService).update(user, { currentOrganizationId: second.organization.id, currentTeamId: null });
    const res = await client.get('/api/users/@me/').expect(200);
    expect(res.body.team.id).toBe(second.team.id);
    expect(res.body.organization.id).toBe(second.organization.id);
  });

  it('has null team and organization without memberships', async () => {
    const { client } = await loggedInUser(t.app);
    const res = await client.get('/api/users/@me/').expect(200);
    expect(res.body).toMatchObject({ team: null, organization: null, organizations: [] });
  });

  it('requires a credential review only for unreviewed users with API keys', async () => {
    const { user, client } = await loggedInUser(t.app);
    expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(false);
    await createApiKey(t.app, user, ['user:read']);
    expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(true);
    await t.app.get(UsersService).update(user, { credentialsReviewedAt: new Date() });
    expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(false);
  });

  it('refuses a non-staff caller any uuid but @me, even their own', async () => {
    const other = await createUser(t.app);
    const { user, client } = await loggedInUser(t.app);
    expectError(await client.get(`/api/users/${other.uuid}/`), 403, denied(NON_STAFF_ME));
    expectError(await client.get(`/api/users/${user.uuid}/`), 403, denied(NON_STAFF_ME));
  });

  it('lets staff read anyone, and answers 404 for unknown, inactive and malformed uuids', async () => {
    const other = await createUser(t.app);
    const inactive = await createUser(t.app);
    await t.app.get(UsersService).update(inactive, { isActive: false });
    const { client } = await loggedInUser(t.app, { isStaff: true });
    const res = await client.get(`/api/users/${other.uuid}`).expect(200);
    expect(res.body).toMatchObject({ uuid: other.uuid, email: other.email, sensitive_session_expires_at: null });
    expectError(await client.get('/api/users/00000000-0000-4000-8000-000000000000/'), 404, notFound);
    expectError(await client.get(`/api/users/${inactive.uuid}/`), 404, notFound);
    expectError(await client.get('/api/users/not-a-uuid/'), 404, notFound);
  });

  it('refuses anonymous callers', async () => {
    expect((await t.http().get('/api/users/@me/').expect(401)).body.code).toBe('not_authenticated');
  });
});
