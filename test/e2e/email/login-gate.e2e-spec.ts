import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createUser, DEFAULT_PASSWORD, loggedInUser } from '../../support/fixtures.js';
import { createTestApp } from '../../support/test-app.js';
import { expectError, storedUser, validation } from '../users/helpers.js';
import { codeIn, startMailHarness, type MailHarness } from './support/mail-harness.js';

const CODE = 'Verify your email address';
const NOT_VERIFIED = validation('not_verified', 'Your account is awaiting verification. Please check your email for a verification code.', null);

describe('is_email_verified and the login gate (docs/api.md, E-mail verification)', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await startMailHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  const loginAs = (email: string, password = DEFAULT_PASSWORD) => h.t.http().post('/api/login').send({ email, password });

  it('refuses an unverified account with good credentials, opens no session and mails a fresh code each time', async () => {
    const user = await createUser(h.t.app, { isEmailVerified: false });
    const res = await loginAs(user.email);
    expectError(res, 400, NOT_VERIFIED);
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('sessionid=');
    const [first] = await h.sink.waitFor(user.email, CODE);
    expect(codeIn(first!.html)).toMatch(/^\d{6}$/);
    expectError(await loginAs(user.email), 400, NOT_VERIFIED);
    await h.sink.waitFor(user.email, CODE, 2);
  });

  it('answers wrong credentials of an unverified account as any other (401) and sends nothing', async () => {
    const user = await createUser(h.t.app, { isEmailVerified: false });
    expectError(await loginAs(user.email, 'wrong-password'), 401, { type: 'authentication_error', code: 'authentication_failed', detail: 'Invalid email or password.', attr: null });
    await h.drain();
    expect(h.sink.messages).toEqual([]);
  });

  it('logs in verified (true) and legacy (null) accounts without sending anything', async () => {
    const verified = await createUser(h.t.app, { isEmailVerified: true });
    const legacy = await createUser(h.t.app);
    expect((await loginAs(verified.email).expect(200)).body.is_email_verified).toBe(true);
    expect((await loginAs(legacy.email).expect(200)).body.is_email_verified).toBeNull();
    await h.drain();
    expect(h.sink.messages).toEqual([]);
  });

  it('keeps is_email_verified read-only in PATCH', async () => {
    const { user, client } = await loggedInUser(h.t.app, { isEmailVerified: true });
    const res = await client.patch('/api/users/@me/', { is_email_verified: false }).expect(200);
    expect(res.body.is_email_verified).toBe(true);
    expect((await storedUser(h.t, user.id))!.isEmailVerified).toBe(true);
  });
});

describe('login gate without e-mail', () => {
  it('logs an unverified account in (nothing could verify it)', async () => {
    const t = await createTestApp({ config: { EMAIL_HOST: '' } });
    try {
      const user = await createUser(t.app, { isEmailVerified: false });
      const res = await t.http().post('/api/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
      expect(res.body.is_email_verified).toBe(false);
    } finally {
      await t.close();
    }
  });
});
