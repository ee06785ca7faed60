import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SessionsService } from '#libs/auth';
import { createApiKey, loggedInUser, login, SessionClient } from '../../support/fixtures.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { makeSessionStale, storedUser } from '../users/helpers.js';
import { credentialRows, expectPasskeyError, registerPasskey, registerUnverified } from './passkey-helpers.js';

const BAD_LABEL = 'Label is required and must be 200 characters or less.';
const NOT_FOUND = 'Credential not found.';

/** Moves the session's last re-authentication 10 minutes back (past the fresh window, inside the 2 h one). */
async function makeReauthOld(t: TestApp, sessionId: string): Promise<void> {
  const key = `session:${sessionId}`;
  const session = JSON.parse((await t.redis.get(key))!);
  session.createdAt = Date.now() - 600_000;
  session.reauthAt = Date.now() - 600_000;
  await t.redis.set(key, JSON.stringify(session), 'KEEPTTL');
}

describe('passkey management (docs/api.md "Passkeys")', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('lists only the caller\'s passkeys, verified and not, newest first', async () => {
    const { client } = await loggedInUser(t.app);
    const { client: other } = await loggedInUser(t.app);
    const authn = new SoftAuthenticator();
    const first = await registerPasskey(client, authn, 'First');
    const second = await registerUnverified(client, authn, 'Second');
    await registerPasskey(other);
    const list = (await client.get('/api/webauthn/credentials/').expect(200)).body;
    expect(list.map((c: { id: number; verified: boolean }) => [c.id, c.verified])).toEqual([
      [second, false],
      [first.body.id, true],
    ]);
  });

  it('PATCH renames; a missing, empty or too long label is refused; another user\'s passkey is 404', async () => {
    const { client } = await loggedInUser(t.app);
    const { client: other } = await loggedInUser(t.app);
    const { body } = await registerPasskey(client);
    const renamed = await client.patch(`/api/webauthn/credentials/${body.id}/`, { label: '  Phone  ' }).expect(200);
    expect(renamed.body).toEqual({ ...body, label: 'Phone' });
    for (const bad of [{}, { label: '' }, { label: '   ' }, { label: 'x'.repeat(201) }, { label: 7 }]) {
      expectPasskeyError(await client.patch(`/api/webauthn/credentials/${body.id}/`, bad), 400, 'invalid_input', BAD_LABEL, 'label');
    }
    await client.patch(`/api/webauthn/credentials/${body.id}/`, { label: 'y'.repeat(200) }).expect(200);
    expectPasskeyError(await other.patch(`/api/webauthn/credentials/${body.id}/`, { label: 'Mine' }), 404, 'not_found', NOT_FOUND);
    expect((await credentialRows(t))[0]).toMatchObject({ label: 'y'.repeat(200) });
  });

  it('PATCH needs the re-auth window', async () => {
    const { client } = await loggedInUser(t.app);
    const { body } = await registerPasskey(client);
    await makeSessionStale(t, client);
    expectPasskeyError(
      await client.patch(`/api/webauthn/credentials/${body.id}/`, { label: 'Late' }),
      403,
      'sensitive_action_required_reauth',
      'This action requires you to be recently authenticated.',
    );
    expect((await credentialRows(t))[0]).toMatchObject({ label: 'Passkey' });
  });

  it('DELETE removes the passkey (204); another user\'s or an unknown one is 404', async () => {
    const { client } = await loggedInUser(t.app);
    const { client: other } = await loggedInUser(t.app);
    const { body } = await registerPasskey(client);
    expectPasskeyError(await other.delete(`/api/webauthn/credentials/${body.id}/`), 404, 'not_found', NOT_FOUND);
    expectPasskeyError(await client.delete('/api/webauthn/credentials/999999/'), 404, 'not_found', NOT_FOUND);
    await client.delete(`/api/webauthn/credentials/${body.id}/`).expect(204);
    expect(await credentialRows(t)).toEqual([]);
  });

  it('a malformed id is a 404, and deleting the user deletes their passkeys', async () => {
    const { client } = await loggedInUser(t.app);
    await registerPasskey(client);
    expectPasskeyError(await client.delete('/api/webauthn/credentials/1e3/'), 404, 'not_found', NOT_FOUND);
    expect(await credentialRows(t)).toHaveLength(1);
    await client.delete('/api/users/@me/').expect(204);
    expect(await credentialRows(t)).toEqual([]);
  });

  it('DELETE needs a fresh re-auth (5 minutes); /api/reauth gives it', async () => {
    const { client } = await loggedInUser(t.app);
    const { body } = await registerPasskey(client);
    await makeReauthOld(t, client.sessionId);
    expectPasskeyError(
      await client.delete(`/api/webauthn/credentials/${body.id}/`),
      403,
      'sensitive_action_required_reauth',
      "Confirm it's you before continuing.",
    );
    expect(await credentialRows(t)).toHaveLength(1);
    await client.post('/api/reauth', { password: 'correct-Horse-battery-7' }).expect(204);
    await client.delete(`/api/webauthn/credentials/${body.id}/`).expect(204);
  });

  describe('in the user body', () => {
    it('requires_credential_review counts every passkey, verified or not, until reviewed', async () => {
      const { client } = await loggedInUser(t.app);
      expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(false);
      await registerUnverified(client, new SoftAuthenticator());
      expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(true);
      await client.post('/api/users/@me/credentials_review_complete/').expect(204);
      expect((await client.get('/api/users/@me/').expect(200)).body.requires_credential_review).toBe(false);
    });

    it('passkeys_enabled_for_2fa: refused without a verified passkey; with one it turns 2FA on and ends the other sessions', async () => {
      const { user, client } = await loggedInUser(t.app);
      const other = await login(t.app, user.email);
      const unverified = new SoftAuthenticator();
      await registerUnverified(client, unverified);
      const refused = await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true });
      expectPasskeyError(
        refused,
        400,
        'no_passkeys',
        'You must have at least one passkey set up before enabling passkeys for 2FA.',
        'passkeys_enabled_for_2fa',
      );
      expect((await storedUser(t, user.id))!.passkeysEnabledFor2fa).toBe(false);
      await other.get('/api/users/@me/').expect(200);

      await registerPasskey(client);
      const on = await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
      expect(on.body).toMatchObject({ passkeys_enabled_for_2fa: true, is_2fa_enabled: true });
      await other.get('/api/users/@me/').expect(401);
      await client.get('/api/users/@me/').expect(200);
    });

    it('turning the flag off revokes nothing; deleting the last verified passkey leaves the flag but ends passkey 2FA', async () => {
      const { user, client } = await loggedInUser(t.app);
      const { body } = await registerPasskey(client);
      await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
      // A session opened with both factors (a password login alone now stops at 2fa_required).
      const opened = await t.app.get(SessionsService).create(user.id);
      const other = new SessionClient(t.app, opened.id, opened.csrfToken);
      const off = await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: false }).expect(200);
      expect(off.body).toMatchObject({ passkeys_enabled_for_2fa: false, is_2fa_enabled: false });
      await other.get('/api/users/@me/').expect(200);

      await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
      await client.delete(`/api/webauthn/credentials/${body.id}/`).expect(204);
      expect((await client.get('/api/users/@me/').expect(200)).body).toMatchObject({ passkeys_enabled_for_2fa: true, is_2fa_enabled: false });
    });

    it('an API key cannot turn passkey 2FA on without a passkey either', async () => {
      const { user } = await loggedInUser(t.app);
      const key = await createApiKey(t.app, user, ['user:write']);
      const res = await t.http().patch('/api/users/@me/').set('Authorization', `Bearer ${key}`).send({ passkeys_enabled_for_2fa: true });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('no_passkeys');
    });
  });
});

/** Each identity write checks every window that applies: here the re-auth window is the shorter. */
describe('a fresh re-auth inside a shorter re-auth window', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { SENSITIVE_ACTION_MAX_AGE_S: 100, SESSION_FRESH_REAUTH_AGE_S: 300 } });
  });
  afterAll(() => t.close());

  /** Login and re-auth 150 s ago: fresh (300 s) still, past the re-auth window (100 s). */
  async function age(sessionId: string): Promise<void> {
    const key = `session:${sessionId}`;
    const session = JSON.parse((await t.redis.get(key))!);
    session.createdAt = Date.now() - 150_000;
    session.reauthAt = Date.now() - 150_000;
    await t.redis.set(key, JSON.stringify(session), 'KEEPTTL');
  }

  it('refuses removing a passkey and turning TOTP off, with the fresh refusal', async () => {
    const { client } = await loggedInUser(t.app);
    const { body } = await registerPasskey(client);
    await age(client.sessionId);
    expectPasskeyError(await client.delete(`/api/webauthn/credentials/${body.id}/`), 403, 'sensitive_action_required_reauth', "Confirm it's you before continuing.");
    expect(await credentialRows(t)).toHaveLength(1);
    const disable = await client.post('/api/users/@me/two_factor_disable/');
    expect(disable.status).toBe(403);
    expect(disable.body.detail).toBe("Confirm it's you before continuing.");
    await client.post('/api/reauth', { password: 'correct-Horse-battery-7' }).expect(204);
    await client.delete(`/api/webauthn/credentials/${body.id}/`).expect(204);
  });
});
