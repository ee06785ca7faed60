import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createOrganization, createUser, DEFAULT_PASSWORD } from '../../support/fixtures.js';
import { ensureBuilt, freePort, runBuilt } from '../../support/build.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/test-env.js';

const cli = async (...args: string[]) => {
  const result = await runBuilt('apps/cli/src/main.js', args, { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, NODE_ENV: 'development' });
  const lines = result.stdout.trim().split('\n');
  return { ...result, last: result.code === 0 ? (JSON.parse(lines.at(-1)!) as Record<string, unknown>) : undefined };
};

/** A refused command: non-zero exit, one clear line on stderr, nothing on stdout. */
const refused = async (expected: RegExp, ...args: string[]) => {
  const { code, stdout, stderr } = await cli(...args);
  expect({ code: code === 0 ? 0 : 'non-zero', stdout, stderr }).toEqual({ code: 'non-zero', stdout: '', stderr: expect.stringMatching(expected) });
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('CLI', () => {
  let t: TestApp;
  beforeAll(async () => {
    ensureBuilt();
    t = await createTestApp();
  }, 180_000);
  beforeEach(() => t.reset());
  afterAll(() => t.close());
  const count = async (table: string) => Number((await t.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  describe('users:create', () => {
    it('creates a verified user who can log in, and prints {id, uuid, email, is_staff, is_email_verified}', async () => {
      const { code, last } = await cli('users:create', '--email', 'Ada@Example.com', '--password', DEFAULT_PASSWORD, '--staff', '--first-name', 'Ada', '--last-name', 'Lovelace');
      expect(code).toBe(0);
      const [row] = await t.dataSource.query('SELECT id, uuid, email, is_staff, first_name, last_name, is_email_verified FROM users');
      expect(last).toEqual({ id: row.id, uuid: row.uuid, email: 'ada@example.com', is_staff: true, is_email_verified: true });
      expect(row.is_email_verified).toBe(true);
      expect(row).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });
      await t.http().post('/api/login').send({ email: 'ada@example.com', password: DEFAULT_PASSWORD }).expect(200);
    });

    it('--unverified makes an account that must verify its address (is_email_verified false)', async () => {
      const { code, last } = await cli('users:create', '--email', 'eve@example.com', '--password', DEFAULT_PASSWORD, '--unverified');
      expect(code).toBe(0);
      expect(last).toMatchObject({ email: 'eve@example.com', is_email_verified: false });
      const [row] = await t.dataSource.query('SELECT is_email_verified FROM users');
      expect(row.is_email_verified).toBe(false);
    });

    it('makes a non-staff user by default', async () => {
      const { last } = await cli('users:create', '--email', 'bob@example.com', '--password', DEFAULT_PASSWORD);
      expect(last).toMatchObject({ email: 'bob@example.com', is_staff: false });
    });

    it('refuses a duplicate email (case-insensitively)', async () => {
      await createUser(t.app, { email: 'taken@example.com' });
      await refused(/^error: a user with email taken@example\.com already exists\n$/, 'users:create', '--email', 'TAKEN@example.com', '--password', DEFAULT_PASSWORD);
      expect(await count('users')).toBe(1);
    });

    it('refuses a missing option, a malformed email and a name the API would refuse', async () => {
      await refused(/--password is required/, 'users:create', '--email', 'a@example.com');
      await refused(/--email is required/, 'users:create', '--password', DEFAULT_PASSWORD);
      await refused(/^error: --email: Enter a valid email address\.\n$/, 'users:create', '--email', 'not-an-email', '--password', DEFAULT_PASSWORD);
      // The API's password policy, as for a password change.
      await refused(/^error: --password: This password is too short\. It must contain at least 8 characters\.\n$/, 'users:create', '--email', 'weak@example.com', '--password', 'short');
      await refused(/^error: --password: This password is entirely numeric\.\n$/, 'users:create', '--email', 'weak@example.com', '--password', '1234567890');
      // The names follow the API's rules for a user's names.
      await refused(/^error: --first-name: URLs are not allowed in this field\.\n$/, 'users:create', '--email', 'name@example.com', '--password', DEFAULT_PASSWORD, '--first-name', 'evil.example');
      expect(await count('users')).toBe(0);
    });
  });

  describe('keys:create', () => {
    it('prints {id, label, scopes, value} once, and the key works', async () => {
      const user = await createUser(t.app);
      const { code, last } = await cli('keys:create', '--email', user.email, '--label', 'deploy bot', '--scopes', 'user:read, organization:read');
      expect(code).toBe(0);
      expect(last).toEqual({ id: expect.any(String), label: 'deploy bot', scopes: ['user:read', 'organization:read'], value: expect.stringMatching(/^phx_[0-9A-Za-z]{43}$/) });
      const me = await t.http().get('/api/users/@me').set('Authorization', `Bearer ${last!.value}`).expect(200);
      expect(me.body.email).toBe(user.email);
      await t.http().post('/api/organizations').set('Authorization', `Bearer ${last!.value}`).send({ name: 'x' }).expect(403);
    });

    it('refuses an unknown email, an unknown scope, a missing option, a blank or long label and no scopes', async () => {
      const user = await createUser(t.app);
      await refused(/^error: no user with email nobody@example\.com\n$/, 'keys:create', '--email', 'nobody@example.com', '--label', 'x', '--scopes', '*');
      await refused(/^error: --scopes: Invalid scope: user:admin\n$/, 'keys:create', '--email', user.email, '--label', 'x', '--scopes', 'user:read,user:admin');
      await refused(/--scopes is required/, 'keys:create', '--email', user.email, '--label', 'x');
      await refused(/^error: --label: Ensure this field has no more than 40 characters\.\n$/, 'keys:create', '--email', user.email, '--label', 'x'.repeat(41), '--scopes', '*');
      await refused(/^error: --label is required\n$/, 'keys:create', '--email', user.email, '--label', '   ', '--scopes', '*');
      await refused(/^error: --scopes: At least one scope is required\.\n$/, 'keys:create', '--email', user.email, '--label', 'x', '--scopes', ' , ');
      expect(await count('personal_api_keys')).toBe(0);
    });
  });

  describe('keys:create scoping and keys:list', () => {
    it('scopes a key to organizations and teams; keys:list prints the key bodies, newest first, without values', async () => {
      const user = await createUser(t.app);
      const { organization, team } = await createOrganization(t.app, user);
      const scoped = await cli('keys:create', '--email', user.email, '--label', 'scoped', '--scopes', '*', '--scoped-organizations', organization.id.toUpperCase(), '--scoped-teams', String(team.id));
      expect(scoped.code).toBe(0);
      expect(Object.keys(scoped.last!).sort()).toEqual(['id', 'label', 'scopes', 'value']);
      const plain = await cli('keys:create', '--email', user.email, '--label', 'plain', '--scopes', 'user:read');
      const listed = await cli('keys:list', '--email', user.email);
      expect(listed.code).toBe(0);
      const [row] = await t.dataSource.query('SELECT created_at FROM personal_api_keys WHERE id = $1', [plain.last!.id]);
      expect(listed.last).toEqual([
        {
          id: plain.last!.id, label: 'plain', value: null, mask_value: `${String(plain.last!.value).slice(0, 4)}...${String(plain.last!.value).slice(-4)}`,
          created_at: (row.created_at as Date).toISOString(), last_used_at: null, last_rolled_at: null, user_id: user.id,
          scopes: ['user:read'], scoped_teams: [], scoped_organizations: [],
        },
        expect.objectContaining({ id: scoped.last!.id, label: 'scoped', value: null, scoped_teams: [team.id], scoped_organizations: [organization.id] }),
      ]);
      expect(listed.stdout).not.toContain(String(plain.last!.value));
      // The scoping is enforced: the key sees only its organization.
      const other = await createOrganization(t.app, user, 'Other');
      const orgs = await t.http().get('/api/organizations/').set('Authorization', `Bearer ${scoped.last!.value}`).expect(200);
      expect(orgs.body.results.map((o: { id: string }) => o.id)).toEqual([organization.id]);
      expect(other.organization.id).not.toBe(organization.id);
      // An operator's key is not the user's own: it still asks for a credentials review.
      expect((await t.dataSource.query('SELECT credentials_reviewed_at FROM users WHERE id = $1', [user.id]))[0].credentials_reviewed_at).toBeNull();
    });

    it('refuses malformed or foreign scoping and an unknown email, creating nothing', async () => {
      const user = await createUser(t.app);
      const foreign = await createOrganization(t.app, await createUser(t.app), 'Foreign');
      await refused(/^error: --scoped-organizations: Invalid organization UUID\n$/, 'keys:create', '--email', user.email, '--label', 'x', '--scopes', '*', '--scoped-organizations', 'nope');
      await refused(/^error: --scoped-teams: A valid number is required\.\n$/, 'keys:create', '--email', user.email, '--label', 'x', '--scopes', '*', '--scoped-teams', 'x1');
      await refused(/^error: You must be a member of all organizations that you are scoping the key to\.\n$/, 'keys:create', '--email', user.email, '--label', 'x', '--scopes', '*', '--scoped-organizations', foreign.organization.id);
      await refused(/^error: You must be a member of all teams that you are scoping the key to\.\n$/, 'keys:create', '--email', user.email, '--label', 'x', '--scopes', '*', '--scoped-teams', String(foreign.team.id));
      await refused(/^error: no user with email nobody@example\.com\n$/, 'keys:list', '--email', 'nobody@example.com');
      expect(await count('personal_api_keys')).toBe(0);
    });
  });

  describe('users:2fa-reset', () => {
    it('removes TOTP and the backup codes, turns passkey 2FA off, and prints the outcome', async () => {
      const user = await createUser(t.app);
      await t.dataSource.query(`INSERT INTO totp_devices (user_id, secret, last_step) VALUES ($1, 'sealed', 1)`, [user.id]);
      await t.dataSource.query(`INSERT INTO backup_codes (user_id, code_hash) VALUES ($1, $2)`, [user.id, 'a'.repeat(64)]);
      await t.dataSource.query('UPDATE users SET passkeys_enabled_for_2fa = true WHERE id = $1', [user.id]);
      const { code, last } = await cli('users:2fa-reset', '--email', user.email);
      expect(code).toBe(0);
      expect(last).toEqual({ id: user.id, email: user.email, totp_removed: true, passkeys_enabled_for_2fa: false, is_2fa_enabled: false });
      expect(await count('totp_devices')).toBe(0);
      expect(await count('backup_codes')).toBe(0);
      expect((await t.dataSource.query('SELECT passkeys_enabled_for_2fa FROM users WHERE id = $1', [user.id]))[0].passkeys_enabled_for_2fa).toBe(false);
    });

    it('refuses an unknown user or a missing e-mail', async () => {
      await refused(/^error: no user with email ghost@example\.com\n$/, 'users:2fa-reset', '--email', 'ghost@example.com');
      await refused(/--email is required/, 'users:2fa-reset');
    });
  });

  describe('orgs:create', () => {
    it('prints {id, name, slug, team_id} and makes it the owner\'s current organization when they have none', async () => {
      const owner = await createUser(t.app);
      const { code, last } = await cli('orgs:create', '--name', 'Hedgehogs Inc', '--owner', owner.email);
      expect(code).toBe(0);
      const [team] = await t.dataSource.query('SELECT id, organization_id, name FROM teams');
      expect(last).toEqual({ id: team.organization_id, name: 'Hedgehogs Inc', slug: 'hedgehogs-inc', team_id: team.id });
      expect(team.name).toBe('Default project');
      expect(await t.dataSource.query('SELECT current_organization_id, current_team_id FROM users')).toEqual([{ current_organization_id: team.organization_id, current_team_id: team.id }]);
      expect(await t.dataSource.query('SELECT level FROM organization_memberships')).toEqual([{ level: 15 }]);
    });

    it('leaves an existing current organization alone', async () => {
      const owner = await createUser(t.app);
      const { organization } = await createOrganization(t.app, owner, 'First');
      const { last } = await cli('orgs:create', '--name', 'Second', '--owner', owner.email);
      expect(last!.id).not.toBe(organization.id);
      expect((await t.dataSource.query('SELECT current_organization_id FROM users'))[0].current_organization_id).toBe(organization.id);
    });

    it('refuses an unknown owner, a missing name and a name longer than the API allows', async () => {
      await refused(/^error: no user with email ghost@example\.com\n$/, 'orgs:create', '--name', 'X', '--owner', 'ghost@example.com');
      await refused(/--name is required/, 'orgs:create', '--owner', 'ghost@example.com');
      // The route's own rule (organizationName), not a copy of it.
      await refused(/--name: Ensure this field has no more than 64 characters\./, 'orgs:create', '--name', 'x'.repeat(65), '--owner', 'ghost@example.com');
      expect(await count('organizations')).toBe(0);
    });
  });

  describe('orgs:add-member', () => {
    it('adds a member (level 1 by default) and prints {organization_id, user_id, level}', async () => {
      const { organization } = await createOrganization(t.app, await createUser(t.app));
      const member = await createUser(t.app);
      const { code, last } = await cli('orgs:add-member', '--org', organization.id, '--email', member.email);
      expect(code).toBe(0);
      expect(last).toEqual({ organization_id: organization.id, user_id: member.id, level: 1 });
      const admin = await createUser(t.app);
      expect((await cli('orgs:add-member', '--org', organization.id, '--email', admin.email, '--level', '8')).last).toEqual({ organization_id: organization.id, user_id: admin.id, level: 8 });
      expect(await count('organization_memberships')).toBe(3);
    });

    it('refuses a bad level, an unknown or malformed organization, and an unknown email', async () => {
      const { organization } = await createOrganization(t.app, await createUser(t.app));
      const member = await createUser(t.app);
      await refused(/--level must be 1 \(member\), 8 \(admin\) or 15 \(owner\)/, 'orgs:add-member', '--org', organization.id, '--email', member.email, '--level', '7');
      await refused(/--level must be/, 'orgs:add-member', '--org', organization.id, '--email', member.email, '--level', 'admin');
      await refused(/no organization with id 00000000-0000-4000-8000-000000000000/, 'orgs:add-member', '--org', '00000000-0000-4000-8000-000000000000', '--email', member.email);
      await refused(/no organization with id nope/, 'orgs:add-member', '--org', 'nope', '--email', member.email);
      await refused(/no user with email ghost@example\.com/, 'orgs:add-member', '--org', organization.id, '--email', 'ghost@example.com');
      expect(await count('organization_memberships')).toBe(1);
    });
  });

  it('refuses an unknown command or option with the usage', async () => {
    await refused(/error: unknown command users:delete\nusage:/, 'users:delete');
    await refused(/error: .*--bogus.*\nusage:/s, 'users:create', '--bogus');
    await refused(/^usage:/);
  });

  it('says in one line that PostgreSQL cannot be reached, and exits non-zero', async () => {
    const port = await freePort();
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(port);
    const { code, stdout, stderr } = await runBuilt('apps/cli/src/main.js', ['users:create', '--email', 'a@example.com', '--password', DEFAULT_PASSWORD], {
      DATABASE_URL: url.toString(),
      REDIS_URL: TEST_REDIS_URL,
      NODE_ENV: 'development',
    });
    expect({ code: code === 0 ? 0 : 'non-zero', stdout }).toEqual({ code: 'non-zero', stdout: '' });
    expect(stderr).toBe(`error: PostgreSQL is unreachable at 127.0.0.1:${port} (ECONNREFUSED): start PostgreSQL, or point DATABASE_URL at it\n`);
  });
});
