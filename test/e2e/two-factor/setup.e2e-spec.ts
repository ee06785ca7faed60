import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SessionsService } from '#libs/auth';
import { createApiKey, createUser, DEFAULT_PASSWORD, login, loggedInUser, SessionClient } from '../../support/fixtures.js';
import { totpCode } from '../../support/totp.js';
import { startMailHarness, type MailHarness } from '../email/support/mail-harness.js';
import { expectError, makeSessionStale, NON_STAFF_ME, validation } from '../users/helpers.js';

const ENABLED = "You've enabled 2FA protection";
const DISABLED = "You've disabled 2FA protection";
const denied = (detail: string, code = 'permission_denied') => ({ type: 'authentication_error', code, detail, attr: null });

async function startSetup(client: SessionClient): Promise<string> {
  const res = await client.get('/api/users/@me/two_factor_start_setup/').expect(200);
  return res.body.secret as string;
}

const status = async (client: SessionClient) => (await client.get('/api/users/@me/two_factor_status/').expect(200)).body;

/** TOTP setup, status, backup codes and disable (docs/api.md, Two-factor authentication). */
describe('two-factor settings', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await startMailHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  /** A user with TOTP on; the code used was of the current step. */
  async function enabled() {
    const { user, client } = await loggedInUser(h.t.app);
    const secret = await startSetup(client);
    await client.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }).expect(200);
    return { user, client, secret };
  }

  it('starts setup with a 20-byte base32 secret and its otpauth URL; the deprecated alias works too', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    const res = await client.get('/api/users/@me/two_factor_start_setup/').expect(200);
    expect(res.body).toEqual({ success: true, secret: expect.stringMatching(/^[A-Z2-7]{32}$/), otpauth_url: expect.any(String) });
    expect(res.body.otpauth_url).toBe(
      `otpauth://totp/PostHog:${encodeURIComponent(user.email)}?secret=${res.body.secret}&issuer=PostHog&algorithm=SHA1&digits=6&period=30`,
    );
    const alias = await client.get('/api/users/@me/start_2fa_setup/').expect(200);
    expect(alias.body.secret).not.toBe(res.body.secret);
  });

  it('enables TOTP with a code of the pending secret: status, user body, notice, other sessions ended', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    const other = await login(h.t.app, user.email);
    const secret = await startSetup(client);
    expect(await status(client)).toEqual({
      is_enabled: false, backup_codes_remaining: 0, method: null, has_passkeys: false, has_totp: false, passkeys_enabled_for_2fa: false,
    });
    expect((await client.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }).expect(200)).body).toEqual({ success: true });
    expect(await status(client)).toEqual({
      is_enabled: true, backup_codes_remaining: 0, method: 'TOTP', has_passkeys: false, has_totp: true, passkeys_enabled_for_2fa: false,
    });
    expect((await client.get('/api/users/@me/').expect(200)).body.is_2fa_enabled).toBe(true);
    await other.get('/api/users/@me/').expect(401);
    await h.sink.waitFor(user.email, ENABLED);
    // The secret is sealed at rest, never stored as issued.
    const [row] = await h.t.dataSource.query('SELECT secret FROM totp_devices WHERE user_id = $1', [user.id]);
    expect(row.secret).not.toContain(secret);
  });

  it('accepts the code as an integer and through the deprecated alias', async () => {
    const { client } = await loggedInUser(h.t.app);
    const secret = await startSetup(client);
    await client.post('/api/users/@me/validate_2fa/', { token: Number(totpCode(secret)) }).expect(200);
    expect((await status(client)).has_totp).toBe(true);
  });

  it('refuses, changing nothing: no pending setup, no token, a wrong or malformed token', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    const setupExpired = validation('setup_expired', '2FA setup session expired. Please start setup again.', null);
    expectError(await client.post('/api/users/@me/two_factor_validate/', { token: '123456' }), 400, setupExpired);
    const secret = await startSetup(client);
    // The pending secret belongs to the session that started the setup.
    const other = await login(h.t.app, user.email);
    expectError(await other.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }), 400, setupExpired);
    expectError(await client.post('/api/users/@me/two_factor_validate/', {}), 400, validation('required', 'This field is required.', 'token'));
    const invalid = validation('token_invalid', 'Token is not valid', null);
    const wrong = String((Number(totpCode(secret)) + 1) % 1_000_000).padStart(6, '0');
    for (const token of [wrong, 'abcdef', '1234567', -1, 1.5, null, { code: 1 }, totpCode(secret, Date.now() - 120_000)]) {
      expectError(await client.post('/api/users/@me/two_factor_validate/', { token }), 400, invalid);
    }
    expect((await status(client)).is_enabled).toBe(false);
    expect(await h.t.dataSource.query('SELECT 1 FROM totp_devices WHERE user_id = $1', [user.id])).toEqual([]);
  });

  it('refuses a second device', async () => {
    const { client } = await enabled();
    const secret = await startSetup(client);
    expectError(
      await client.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }),
      400,
      validation('2fa_already_enabled', '2FA is already enabled.', null),
    );
  });

  it('issues 10 single-use backup codes, shown once and stored as hashes; a new set replaces the old', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    expectError(await client.post('/api/users/@me/two_factor_backup_codes/'), 400, validation('2fa_not_enabled', '2FA must be enabled first', null));
    const secret = await startSetup(client);
    await client.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }).expect(200);
    const first = (await client.post('/api/users/@me/two_factor_backup_codes/').expect(200)).body.backup_codes as string[];
    expect(first).toHaveLength(10);
    expect(new Set(first).size).toBe(10);
    for (const code of first) expect(code).toMatch(/^[a-z2-7]{8}$/);
    expect((await status(client)).backup_codes_remaining).toBe(10);
    const stored = (await h.t.dataSource.query('SELECT code_hash FROM backup_codes WHERE user_id = $1', [user.id])).map((r: { code_hash: string }) => r.code_hash);
    expect(stored).toHaveLength(10);
    for (const code of first) expect(stored).not.toContain(code);
    const second = (await client.post('/api/users/@me/two_factor_backup_codes/').expect(200)).body.backup_codes as string[];
    expect(second.filter((code) => first.includes(code))).toEqual([]);
    expect((await status(client)).backup_codes_remaining).toBe(10);
  });

  it('disables with a fresh re-auth only: TOTP and codes gone, other sessions kept, notice sent', async () => {
    const { user, client } = await enabled();
    await client.post('/api/users/@me/two_factor_backup_codes/').expect(200);
    const opened = await h.t.app.get(SessionsService).create(user.id);
    const other = new SessionClient(h.t.app, opened.id, opened.csrfToken);
    await makeSessionStale(h.t, client);
    expectError(await client.post('/api/users/@me/two_factor_disable/'), 403, denied("Confirm it's you before continuing.", 'sensitive_action_required_reauth'));
    expect((await status(client)).has_totp).toBe(true);
    await client.post('/api/reauth', { password: DEFAULT_PASSWORD }).expect(204);
    expect((await client.post('/api/users/@me/two_factor_disable/').expect(200)).body).toEqual({ success: true });
    expect(await status(client)).toMatchObject({ is_enabled: false, has_totp: false, backup_codes_remaining: 0, method: null });
    expect(await h.t.dataSource.query('SELECT 1 FROM backup_codes WHERE user_id = $1', [user.id])).toEqual([]);
    await h.sink.waitFor(user.email, DISABLED);
    // Disabling is a downgrade: no session ends.
    await other.get('/api/users/@me/').expect(200);
  });

  it('needs the re-auth window for validate and backup codes, never for the GETs', async () => {
    const { client } = await enabled();
    await makeSessionStale(h.t, client);
    const reauth = denied('This action requires you to be recently authenticated.', 'sensitive_action_required_reauth');
    expectError(await client.post('/api/users/@me/two_factor_validate/', { token: '123456' }), 403, reauth);
    expectError(await client.post('/api/users/@me/two_factor_backup_codes/'), 403, reauth);
    await client.get('/api/users/@me/two_factor_status/').expect(200);
    await client.get('/api/users/@me/two_factor_start_setup/').expect(200);
  });

  it('is self-service: another uuid is 403 for anyone, staff included; API keys are refused', async () => {
    const staff = await loggedInUser(h.t.app, { isStaff: true });
    const other = await createUser(h.t.app);
    for (const client of [staff.client, (await loggedInUser(h.t.app)).client]) {
      for (const uuid of [other.uuid, staff.user.uuid]) {
        expectError(await client.get(`/api/users/${uuid}/two_factor_status/`), 403, denied(NON_STAFF_ME));
        expectError(await client.post(`/api/users/${uuid}/two_factor_disable/`), 403, denied(NON_STAFF_ME));
      }
    }
    const key = await createApiKey(h.t.app, staff.user, ['user:read', 'user:write']);
    const res = await h.t.http().get('/api/users/@me/two_factor_status/').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('This action requires a browser session.');
  });
});
