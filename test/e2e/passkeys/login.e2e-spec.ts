import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createUser, loggedInUser, SessionClient } from '../../support/fixtures.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { beginLogin, credentialRows, expectPasskeyError, registerPasskey, registerUnverified } from './passkey-helpers.js';

const AUTH_FAILED = 'Authentication failed. Please check your passkey and try again.';
const handleOf = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');

function sessionFrom(t: TestApp, res: { headers: Record<string, unknown> }): SessionClient {
  const cookies = ([] as string[]).concat((res.headers['set-cookie'] as string[]) ?? []);
  const read = (name: string) => decodeURIComponent(cookies.find((c) => c.startsWith(`${name}=`))!.split(';')[0]!.slice(name.length + 1));
  return new SessionClient(t.app, read('sessionid'), read('csrftoken'));
}

describe('discoverable passkey login (docs/api.md "Passkeys")', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  /** A user with one verified passkey, logged out again. */
  async function userWithPasskey() {
    const { user, client } = await loggedInUser(t.app, { firstName: 'Ada' });
    const { authn, credential } = await registerPasskey(client);
    await client.post('/api/logout').expect(204);
    return { user, authn, credential };
  }

  it('begin answers request options with no credential list; complete opens a session like a password login', async () => {
    const { user, authn } = await userWithPasskey();
    const begun = await t.http().post('/api/webauthn/login/begin/').send({}).expect(200);
    expect(begun.body).toEqual({ challenge: expect.any(String), timeout: 300000, rpId: 'localhost', allowCredentials: [], userVerification: 'required' });
    const { options, cookie } = await beginLogin(t);
    const res = await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(authn.assert(options)).expect(200);
    expect(res.body).toMatchObject({ uuid: user.uuid, email: user.email, first_name: 'Ada' });
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(set.find((c) => c.startsWith('sessionid='))).toMatch(/HttpOnly/);
    expect(set.find((c) => c.startsWith('sessionid='))).toMatch(/SameSite=Lax/);
    const client = sessionFrom(t, res);
    const me = (await client.get('/api/users/@me/').expect(200)).body;
    expect(me.uuid).toBe(user.uuid);
    expect(Date.parse(me.sensitive_session_expires_at)).toBeGreaterThan(Date.now());
    expect((await credentialRows(t))[0]).toMatchObject({ counter: 2 });
    // The session can write (its CSRF token came with it).
    await client.patch('/api/users/@me/', { first_name: 'Grace' }).expect(200);
  });

  it('counts as a fresh re-authentication: a passkey can be removed right after, which needs one', async () => {
    const { authn } = await userWithPasskey();
    const { body: list } = await t.http().get('/api/webauthn/credentials/').expect(401);
    expect(list.code).toBe('not_authenticated');
    const { options, cookie } = await beginLogin(t);
    const answer = await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(authn.assert(options)).expect(200);
    expect(Date.parse(answer.body.fresh_reauth_expires_at)).toBeGreaterThan(Date.now() + (t.config.SESSION_FRESH_REAUTH_AGE_S - 60) * 1000);
    const client = sessionFrom(t, answer);
    const [credential] = (await client.get('/api/webauthn/credentials/').expect(200)).body;
    await client.delete(`/api/webauthn/credentials/${credential.id}/`).expect(204);
  });

  it('needs no second factor, even with passkey 2FA on (a passkey is itself two factors)', async () => {
    const { user, client } = await loggedInUser(t.app);
    const { authn } = await registerPasskey(client);
    await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
    await client.post('/api/logout').expect(204);
    const { options, cookie } = await beginLogin(t);
    const res = await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(authn.assert(options)).expect(200);
    expect(res.body).toMatchObject({ uuid: user.uuid, is_2fa_enabled: true });
    await sessionFrom(t, res).get('/api/users/@me/').expect(200);
  });

  it('a challenge answers one login only (replay refused)', async () => {
    const { authn } = await userWithPasskey();
    const { options, cookie } = await beginLogin(t);
    const response = authn.assert(options);
    await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(response).expect(200);
    const again = await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(response);
    expectPasskeyError(again, 400, 'passkey_login_failed', 'No login challenge found. Please start login again.');
  });

  it('checks in order: challenge, user handle, credential id, response fields', async () => {
    const { authn } = await userWithPasskey();
    let { options, cookie } = await beginLogin(t);
    const good = authn.assert(options);
    expectPasskeyError(await t.http().post('/api/webauthn/login/complete/').send(good), 400, 'passkey_login_failed', 'No login challenge found. Please start login again.');

    ({ options, cookie } = await beginLogin(t));
    expectPasskeyError(
      await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(authn.assert(options, undefined, { userHandle: null })),
      400,
      'passkey_login_failed',
      "No userHandle in response. Make sure you're using a discoverable credential.",
    );
    ({ options, cookie } = await beginLogin(t));
    const { rawId: _rawId, ...noRawId } = authn.assert(options);
    expectPasskeyError(await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(noRawId), 400, 'passkey_login_failed', 'No credential ID in response.');
    ({ options, cookie } = await beginLogin(t));
    const full = authn.assert(options);
    const { signature: _signature, ...noSignature } = full.response;
    expectPasskeyError(
      await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send({ ...full, response: noSignature }),
      400,
      'passkey_login_failed',
      'Invalid response structure. Missing required fields.',
    );
  });

  it('refuses a wrong user handle, another user\'s passkey, an unverified passkey, an inactive user and a bad signature', async () => {
    const { user, authn } = await userWithPasskey();
    const stranger = await createUser(t.app);
    const { client: otherClient } = await loggedInUser(t.app);
    const other = await registerPasskey(otherClient);

    const attempt = async (build: (options: { challenge: string; rpId: string }) => object) => {
      const { options, cookie } = await beginLogin(t);
      const res = await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(build(options));
      expectPasskeyError(res, 400, 'passkey_login_failed', AUTH_FAILED);
      expect(res.headers['set-cookie']?.toString() ?? '').not.toMatch(/sessionid=[^;]/);
    };
    // The user handle of a user who does not hold this passkey.
    await attempt((o) => authn.assert(o, undefined, { userHandle: handleOf(stranger.uuid) }));
    // A handle that is no user at all.
    await attempt((o) => authn.assert(o, undefined, { userHandle: handleOf('00000000-0000-4000-8000-000000000000') }));
    // Another user's passkey presented with this user's handle.
    await attempt((o) => other.authn.assert(o, undefined, { userHandle: handleOf(user.uuid) }));
    // A signature by the right key over another challenge, and without user verification.
    await attempt((o) => authn.assert({ ...o, challenge: 'b3RoZXI' }));
    await attempt((o) => authn.assert(o, undefined, { uv: false }));
    await attempt((o) => authn.assert(o, undefined, { origin: 'http://evil.localhost:8000' }));

    // Unverified passkeys do not log in.
    const { user: fresh, client } = await loggedInUser(t.app);
    const pending = new SoftAuthenticator();
    await registerUnverified(client, pending);
    await attempt((o) => pending.assert(o));

    // Nor do the passkeys of an inactive user.
    await t.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    await attempt((o) => authn.assert(o));
    expect(fresh.id).toBeGreaterThan(0);
  });

  it('passkey logins spend the per-email login budget (10 a minute) with password logins: past it, 429', async () => {
    // userWithPasskey's password login was the first of the 10.
    const { authn } = await userWithPasskey();
    for (let i = 0; i < 9; i++) {
      const { options, cookie } = await beginLogin(t);
      const res = await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(authn.assert(options, undefined, { uv: false }));
      expect(res.status).toBe(400);
    }
    const { options, cookie } = await beginLogin(t);
    const res = await t.http().post('/api/webauthn/login/complete/').set('Cookie', cookie).send(authn.assert(options));
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ type: 'throttled_error', code: 'throttled' });
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('is public: no CSRF header needed, but only JSON bodies', async () => {
    const res = await t.http().post('/api/webauthn/login/begin/').set('Content-Type', 'text/plain').send('x');
    expect(res.status).toBe(415);
    await t.http().post('/api/webauthn/login/begin/').expect(200);
  });
});
