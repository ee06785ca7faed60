import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { CSRF_COOKIE, SESSION_COOKIE } from '#libs/auth';
import { DEFAULT_PASSWORD, loggedInUser, SessionClient } from '../../support/fixtures.js';
import { totpCode } from '../../support/totp.js';
import { startMailHarness, type MailHarness } from '../email/support/mail-harness.js';
import { registerPasskey } from '../passkeys/passkey-helpers.js';
import { expectError, validation } from '../users/helpers.js';

const REQUIRED = { type: 'authentication_error', code: '2fa_required', detail: '2FA is required.', attr: null };
const INVALID = validation('2fa_invalid', 'Invalid authentication code', null);
const TOO_MANY = validation('2fa_too_many_attempts', 'Too many attempts.', null);
const EXPIRED = validation('2fa_expired', 'Login attempt has expired. Re-enter username/password.', null);
const BACKUP_USED = 'A backup code was used for your account';

const cookieOf = (res: request.Response, name: string) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
const valueOf = (cookie: string | undefined) => (cookie ? decodeURIComponent(cookie.split(';')[0]!.split('=').slice(1).join('=')) : undefined);

/** Logging in with a second factor (docs/api.md, Two-factor authentication). */
describe('login with 2FA', () => {
  let h: MailHarness;
  beforeAll(async () => {
    // Passkey ceremonies come from the relying party's origin (FRONTEND_URL).
    h = await startMailHarness({ FRONTEND_URL: 'http://localhost:8000' });
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  const http = () => request(h.t.app.getHttpServer());

  /** A user with TOTP on (enabled with the current step's code, which is now used). */
  async function withTotp() {
    const { user, client } = await loggedInUser(h.t.app);
    const secret = (await client.get('/api/users/@me/two_factor_start_setup/').expect(200)).body.secret as string;
    await client.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }).expect(200);
    return { user, client, secret };
  }

  /** Step 1: the password, answered 401 `2fa_required` with the pre-auth cookie. */
  async function passwordStep(email: string, extraCookies: string[] = []) {
    const res = await http().post('/api/login').set('Cookie', extraCookies.join('; ')).send({ email, password: DEFAULT_PASSWORD });
    return { res, pending: valueOf(cookieOf(res, SESSION_COOKIE)) };
  }

  /**
   * Moves the user's last wrong code `agoMs` into the past (the backoff's clock is that time), so a
   * test checks the window's edges without waiting it out.
   */
  async function lastFailureAgo(userId: number, agoMs: number): Promise<void> {
    const key = `2fa-backoff:${userId}`;
    expect(await h.t.redis.hget(key, 'at')).not.toBeNull();
    await h.t.redis.hset(key, 'at', Date.now() - agoMs);
  }

  const tokenStep = (pending: string | undefined, token: unknown) => {
    const req = http().post('/api/login/token');
    if (pending) req.set('Cookie', `${SESSION_COOKIE}=${pending}`);
    return req.send({ token });
  };

  it('asks for the second factor: 401 2fa_required, and the pre-auth cookie authenticates nothing', async () => {
    const { user } = await withTotp();
    const { res, pending } = await passwordStep(user.email);
    expectError(res, 401, REQUIRED);
    expect(cookieOf(res, SESSION_COOKIE)).toMatch(/HttpOnly/i);
    expect(pending).toBeTruthy();
    await http().get('/api/users/@me/').set('Cookie', `${SESSION_COOKIE}=${pending}`).expect(401);
  });

  it('logs in with the next code: a fresh session, the user body, a remember-device cookie', async () => {
    const { user, secret } = await withTotp();
    const { pending } = await passwordStep(user.email);
    const res = await tokenStep(pending, totpCode(secret, Date.now(), 1)).expect(200);
    expect(res.body.email).toBe(user.email);
    expect(res.body.is_2fa_enabled).toBe(true);
    const session = valueOf(cookieOf(res, SESSION_COOKIE));
    expect(session).not.toBe(pending);
    expect(cookieOf(res, CSRF_COOKIE)).toBeDefined();
    const remember = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('remember-cookie_'));
    expect(remember).toMatch(/^remember-cookie_[0-9a-f-]{36}=/);
    expect(remember).toMatch(/Max-Age=2592000/);
    expect(remember).toMatch(/HttpOnly/i);
    expect(remember).toMatch(/SameSite=Strict/i);
    await http().get('/api/users/@me/').set('Cookie', `${SESSION_COOKIE}=${session}`).expect(200);
    // The pre-auth state is used up.
    expectError(await tokenStep(pending, totpCode(secret, Date.now(), 1)), 400, EXPIRED);
  });

  it('refuses a replayed code: the enabling code, and a code that already logged in', async () => {
    const { user, secret } = await withTotp();
    const first = await passwordStep(user.email);
    expectError(await tokenStep(first.pending, totpCode(secret)), 400, INVALID);
    await lastFailureAgo(user.id, 2100);
    const next = totpCode(secret, Date.now(), 1);
    await tokenStep(first.pending, next).expect(200);
    const second = await passwordStep(user.email);
    expectError(await tokenStep(second.pending, next), 400, INVALID);
  });

  it('backs off 2 s after a wrong code: the right one is refused inside the window, accepted after it', async () => {
    const { user, secret } = await withTotp();
    const { pending } = await passwordStep(user.email);
    expectError(await tokenStep(pending, '000000' === totpCode(secret, Date.now(), 1) ? '111111' : '000000'), 400, INVALID);
    expectError(await tokenStep(pending, totpCode(secret, Date.now(), 1)), 400, TOO_MANY);
    await lastFailureAgo(user.id, 1800);
    expectError(await tokenStep(pending, totpCode(secret, Date.now(), 1)), 400, TOO_MANY);
    await lastFailureAgo(user.id, 2100);
    await tokenStep(pending, totpCode(secret, Date.now(), 1)).expect(200);
  });

  it('takes each backup code once, sends the notice, and counts down', async () => {
    const { user, client } = await withTotp();
    const codes = (await client.post('/api/users/@me/two_factor_backup_codes/').expect(200)).body.backup_codes as string[];
    const { pending } = await passwordStep(user.email);
    const res = await tokenStep(pending, codes[0]).expect(200);
    await h.sink.waitFor(user.email, BACKUP_USED);
    const session = new SessionClient(h.t.app, valueOf(cookieOf(res, SESSION_COOKIE))!, valueOf(cookieOf(res, CSRF_COOKIE))!);
    expect((await session.get('/api/users/@me/two_factor_status/').expect(200)).body.backup_codes_remaining).toBe(9);
    const again = await passwordStep(user.email);
    expectError(await tokenStep(again.pending, codes[0]), 400, INVALID);
  });

  it('answers 2fa_expired without a pending login, or once it is older than the timeout', async () => {
    expectError(await tokenStep(undefined, '123456'), 400, EXPIRED);
    expectError(await tokenStep('no-such-login', '123456'), 400, EXPIRED);
    const { user, secret } = await withTotp();
    const { pending } = await passwordStep(user.email);
    const key = `2fa-pending:${pending}`;
    const state = JSON.parse((await h.t.redis.get(key))!);
    state.at -= 601_000;
    await h.t.redis.set(key, JSON.stringify(state), 'KEEPTTL');
    expectError(await tokenStep(pending, totpCode(secret, Date.now(), 1)), 400, EXPIRED);
  });

  it('throttles the second step: 6 requests per pending login, then 429', async () => {
    const { user } = await withTotp();
    const { pending } = await passwordStep(user.email);
    for (let i = 0; i < 6; i += 1) expect((await tokenStep(pending, 'nope')).status).toBe(400);
    const res = await tokenStep(pending, 'nope');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('throttled');
  });

  it('skips the second step with a remember-device cookie, until the password changes', async () => {
    const { user, secret } = await withTotp();
    const { pending } = await passwordStep(user.email);
    const res = await tokenStep(pending, totpCode(secret, Date.now(), 1)).expect(200);
    const remember = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('remember-cookie_'))!.split(';')[0]!;
    const direct = await passwordStep(user.email, [remember]);
    expect(direct.res.status).toBe(200);
    expect(direct.res.body.email).toBe(user.email);
    const client = new SessionClient(h.t.app, valueOf(cookieOf(direct.res, SESSION_COOKIE))!, valueOf(cookieOf(direct.res, CSRF_COOKIE))!);
    await client.patch('/api/users/@me/', { current_password: DEFAULT_PASSWORD, password: 'a-new-passphrase-77' }).expect(200);
    const after = await http().post('/api/login').set('Cookie', remember).send({ email: user.email, password: 'a-new-passphrase-77' });
    expectError(after, 401, REQUIRED);
    // A forged or foreign cookie skips nothing.
    const forged = await passwordStep(user.email, [`remember-cookie_x=${user.id}.1.9999999999.${'0'.repeat(64)}`]);
    expect(forged.res.status).toBe(401);
  });

  it('asks passkey-2FA users for the second factor too; a TOTP code cannot answer for them', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    await registerPasskey(client);
    await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
    const { res, pending } = await passwordStep(user.email);
    expectError(res, 401, REQUIRED);
    expectError(await tokenStep(pending, '123456'), 400, INVALID);
  });

  it('takes a passkey as the second factor: methods, begin, then the assertion at /api/login/token', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    const { authn } = await registerPasskey(client);
    await client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
    const { pending } = await passwordStep(user.email);
    const cookie = `${SESSION_COOKIE}=${pending}`;
    expect((await http().get('/api/login/2fa/passkey/methods/').set('Cookie', cookie).expect(200)).body).toEqual({ has_totp: false, has_passkeys: true });
    // Without the begin step there is no challenge to answer.
    const early = authn.assert({ challenge: 'AAAA', rpId: 'localhost' });
    expectError(await http().post('/api/login/token').set('Cookie', cookie).send({ credential_id: early.id, response: early.response }), 400, validation('2fa_no_challenge', 'No passkey challenge found. Start the passkey step again.', null));
    const options = (await http().post('/api/login/2fa/passkey/begin/').set('Cookie', cookie).send({}).expect(200)).body;
    const assertion = authn.assert(options);
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([assertion.id]);
    const res = await http().post('/api/login/token').set('Cookie', cookie).send({ credential_id: assertion.id, response: assertion.response }).expect(200);
    expect(res.body.email).toBe(user.email);
    // A passkey second step remembers no device.
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('remember-cookie_'))).toBe(false);
  });

  it('refuses a passkey that is not one of the pending user\'s, and the passkey steps without a pending login', async () => {
    const noPending = validation('no_pending_2fa', 'No pending 2FA session. Please log in again.', null);
    expectError(await http().get('/api/login/2fa/passkey/methods/'), 400, noPending);
    expectError(await http().post('/api/login/2fa/passkey/begin/').send({}), 400, noPending);
    const owner = await loggedInUser(h.t.app);
    await registerPasskey(owner.client);
    await owner.client.patch('/api/users/@me/', { passkeys_enabled_for_2fa: true }).expect(200);
    const stranger = await loggedInUser(h.t.app);
    const { authn: strangerAuthn } = await registerPasskey(stranger.client);
    const { pending } = await passwordStep(owner.user.email);
    const cookie = `${SESSION_COOKIE}=${pending}`;
    const options = (await http().post('/api/login/2fa/passkey/begin/').set('Cookie', cookie).send({}).expect(200)).body;
    const foreign = strangerAuthn.assert({ ...options, allowCredentials: [] });
    expectError(
      await http().post('/api/login/token').set('Cookie', cookie).send({ credential_id: foreign.id, response: foreign.response }),
      400,
      validation('2fa_invalid_passkey', 'This passkey could not be verified.', null),
    );
  });

  it('answers the passkey begin step by what the pending user lacks', async () => {
    const { user, secret } = await withTotp();
    const { pending } = await passwordStep(user.email);
    const cookie = `${SESSION_COOKIE}=${pending}`;
    expect((await http().get('/api/login/2fa/passkey/methods/').set('Cookie', cookie).expect(200)).body).toEqual({ has_totp: true, has_passkeys: false });
    const res = await http().post('/api/login/2fa/passkey/begin/').set('Cookie', cookie).send({});
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'no_passkeys' });
    expect(secret).toBeTruthy();
  });

  it('lets users without 2FA log in at once', async () => {
    const { user } = await loggedInUser(h.t.app);
    const { res } = await passwordStep(user.email);
    expect(res.status).toBe(200);
  });
});
