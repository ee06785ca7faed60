import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SESSION_COOKIE } from '#libs/auth';
import { EmailVerificationService } from '#libs/mail';
import { createApiKey, createUser, DEFAULT_PASSWORD, loggedInUser } from '../../support/fixtures.js';
import { createTestApp } from '../../support/test-app.js';
import { totpCode } from '../../support/totp.js';
import { expectError, storedUser, validation } from '../users/helpers.js';
import { codeIn, startMailHarness, type MailHarness } from './support/mail-harness.js';

const CODE = 'Verify your email address';
const INVALID_CODE = validation('invalid_code', 'This code is invalid or has expired.', 'code');

const sessionCookie = (headers: Record<string, unknown>) =>
  ([] as string[]).concat((headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));

/** verify_email, request_email_verification and cancel_email_change_request (docs/api.md, E-mail verification). */
describe('e-mail verification routes', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await startMailHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  /** An unverified user and the code the login gate mailed them. */
  async function unverifiedWithCode() {
    const user = await createUser(h.t.app, { isEmailVerified: false });
    await h.t.http().post('/api/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(400);
    const [mail] = await h.sink.waitFor(user.email, CODE);
    return { user, code: codeIn(mail!.html) };
  }

  it('verifies an unverified account with its code and logs it in (no CSRF header needed)', async () => {
    const { user, code } = await unverifiedWithCode();
    const res = await h.t.http().post('/api/users/verify_email/').send({ uuid: user.uuid, code }).expect(200);
    expect(res.body).toEqual({ success: true });
    const cookie = sessionCookie(res.headers)!.split(';')[0]!;
    const me = await h.t.http().get('/api/users/@me/').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ uuid: user.uuid, is_email_verified: true });
    expect(Date.parse(me.body.fresh_reauth_expires_at)).toBeGreaterThan(Date.now());
    // Used once: the same code again is refused (a verified account with nothing pending is as unknown).
    expectError(await h.t.http().post('/api/users/verify_email/').send({ uuid: user.uuid, code }), 400, INVALID_CODE);
  });

  it('refuses, changing nothing: missing fields, a malformed code, a wrong code, an unknown uuid', async () => {
    const { user, code } = await unverifiedWithCode();
    const verify = (body: object) => h.t.http().post('/api/users/verify_email/').send(body);
    expectError(await verify({ code }), 400, validation('required', 'This field is required.', 'uuid'));
    expectError(await verify({ uuid: user.uuid }), 400, validation('required', 'This field is required.', 'code'));
    expectError(await verify({ uuid: user.uuid, code: '12ab' }), 400, validation('invalid_input', 'Enter the 6-digit code from your email.', 'code'));
    expectError(await verify({ uuid: user.uuid, code: code === '000000' ? '111111' : '000000' }), 400, INVALID_CODE);
    expectError(await verify({ uuid: '5d3c9f8e-0000-4000-8000-000000000000', code }), 400, INVALID_CODE);
    expectError(await verify({ uuid: 'not-a-uuid', code }), 400, INVALID_CODE);
    expect((await storedUser(h.t, user.id))!.isEmailVerified).toBe(false);
  });

  it('respects 2FA: a user with TOTP gets requires_2fa and a pending login for /api/login/token', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    const secret = (await client.get('/api/users/@me/two_factor_start_setup/').expect(200)).body.secret as string;
    await client.post('/api/users/@me/two_factor_validate/', { token: totpCode(secret) }).expect(200);
    const staged = await h.t.app.get(EmailVerificationService).stageEmailChange(user, `new-${user.email}`);
    const [mail] = await h.sink.waitFor(staged.pendingEmail!, CODE);
    const res = await h.t.http().post('/api/users/verify_email/').send({ uuid: user.uuid, code: codeIn(mail!.html) }).expect(200);
    expect(res.body).toEqual({ success: true, requires_2fa: true });
    const pending = sessionCookie(res.headers)!.split(';')[0]!;
    await h.t.http().get('/api/users/@me/').set('Cookie', pending).expect(401);
    const done = await h.t.http().post('/api/login/token').set('Cookie', pending).send({ token: totpCode(secret, Date.now(), 1) }).expect(200);
    expect(done.body.email).toBe(`new-${user.email}`);
  });

  it('stages an e-mail change: the code goes to the new address only; verify_email applies it, notifies both, ends other sessions', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    const second = await h.t.http().post('/api/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
    const secondCookie = sessionCookie(second.headers)!.split(';')[0]!;
    const newEmail = `changed-${user.email}`;
    const res = await client.patch('/api/users/@me/', { email: newEmail.toUpperCase() }).expect(200);
    expect(res.body).toMatchObject({ email: user.email, pending_email: newEmail });
    expect((await storedUser(h.t, user.id))!.email).toBe(user.email);
    const [mail] = await h.sink.waitFor(newEmail, CODE);
    // Taken by nobody yet: a pending address reserves nothing, and the old address got no code.
    expect(h.sink.to(user.email).map((m) => m.subject)).not.toContain(CODE);
    const done = await h.t.http().post('/api/users/verify_email/').send({ uuid: user.uuid, code: codeIn(mail!.html) }).expect(200);
    expect(done.body).toEqual({ success: true });
    expect(await storedUser(h.t, user.id)).toMatchObject({ email: newEmail, pendingEmail: null });
    await h.sink.waitFor(user.email, 'This is no longer your PostHog account email');
    await h.sink.waitFor(newEmail, 'This is your new PostHog account email');
    await h.t.http().get('/api/users/@me/').set('Cookie', secondCookie).expect(401);
  });

  it('refuses to apply a staged address someone else took meanwhile (email_taken), keeping it pending', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    const wanted = `wanted-${user.email}`;
    await client.patch('/api/users/@me/', { email: wanted }).expect(200);
    const [mail] = await h.sink.waitFor(wanted, CODE);
    await createUser(h.t.app, { email: wanted });
    expectError(
      await h.t.http().post('/api/users/verify_email/').send({ uuid: user.uuid, code: codeIn(mail!.html) }),
      400,
      validation('email_taken', 'Another account now uses this email address. Start the change again with a different address.', 'email'),
    );
    expect(await storedUser(h.t, user.id)).toMatchObject({ email: user.email, pendingEmail: wanted });
    await client.patch('/api/users/cancel_email_change_request/').expect(200);
  });

  it('request_email_verification mails a new code, and says nothing about accounts', async () => {
    const request = (body: object) => h.t.http().post('/api/users/request_email_verification/').send(body);
    const unverified = await createUser(h.t.app, { isEmailVerified: false });
    expect((await request({ uuid: unverified.uuid }).expect(200)).body).toEqual({ success: true });
    await h.sink.waitFor(unverified.email, CODE);
    const verified = await createUser(h.t.app, { isEmailVerified: true });
    expect((await request({ uuid: verified.uuid }).expect(200)).body).toEqual({ success: true });
    expect((await request({ uuid: '5d3c9f8e-0000-4000-8000-000000000000' }).expect(200)).body).toEqual({ success: true });
    expectError(await request({}), 400, validation('required', 'This field is required.', 'uuid'));
    await h.drain();
    expect(h.sink.to(verified.email)).toEqual([]);
  });

  it('throttles both public routes per uuid: verify_email 6 per 20 minutes, request_email_verification 6 a day', async () => {
    const user = await createUser(h.t.app, { isEmailVerified: false });
    for (let i = 0; i < 6; i += 1) expect((await h.t.http().post('/api/users/verify_email/').send({ uuid: user.uuid, code: '12ab' })).status).toBe(400);
    const verify = await h.t.http().post('/api/users/verify_email/').send({ uuid: user.uuid, code: '12ab' });
    expect({ status: verify.status, code: verify.body.code }).toEqual({ status: 429, code: 'throttled' });
    for (let i = 0; i < 6; i += 1) await h.t.http().post('/api/users/request_email_verification/').send({ uuid: user.uuid }).expect(200);
    const request = await h.t.http().post('/api/users/request_email_verification/').send({ uuid: user.uuid });
    expect({ status: request.status, code: request.body.code }).toEqual({ status: 429, code: 'throttled' });
  });

  it('cancel_email_change_request drops the staged address once; keys are refused', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    await h.t.app.get(EmailVerificationService).stageEmailChange(user, `other-${user.email}`);
    const res = await client.patch('/api/users/cancel_email_change_request/').expect(200);
    expect(res.body).toMatchObject({ email: user.email, pending_email: null });
    expectError(await client.patch('/api/users/cancel_email_change_request/'), 400, validation('email_change_request_not_found', 'No active email change requests found.', null));
    const key = await createApiKey(h.t.app, user, ['user:write']);
    expect((await h.t.http().patch('/api/users/cancel_email_change_request/').set('Authorization', `Bearer ${key}`)).status).toBe(401);
  });
});

describe('request_email_verification without e-mail', () => {
  it('answers email_not_available', async () => {
    const t = await createTestApp({ config: { EMAIL_HOST: '' } });
    try {
      const user = await createUser(t.app, { isEmailVerified: false });
      expectError(
        await t.http().post('/api/users/request_email_verification/').send({ uuid: user.uuid }),
        400,
        validation('email_not_available', 'Cannot verify email address because email is not configured for your instance. Please contact your administrator.', null),
      );
    } finally {
      await t.close();
    }
  });
});
