import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsersService } from '#libs/users';
import { MailProcessor } from '../../../apps/worker/src/mail/mail.processor.js';
import { createUser, DEFAULT_PASSWORD, login } from '../../support/fixtures.js';
import { createTestApp } from '../../support/test-app.js';
import { expectError, snapshot, validation } from '../users/helpers.js';
import { FRONTEND, resetLinkIn, startMailHarness, type MailHarness } from './support/mail-harness.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const RESET = 'Reset your PostHog password';
const CHANGED = 'Your password has been changed';
const NEW_PASSWORD = 'a-brand-new-passphrase-9';
const INVALID_TOKEN = validation('invalid_token', 'This reset token is invalid or has expired.', 'token');

describe('password reset (docs/api.md, Password reset)', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await startMailHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  const requestReset = (email: unknown) => h.t.http().post('/api/reset/').send({ email });
  const time = async (email: string) => {
    const started = process.hrtime.bigint();
    await requestReset(email).expect(204);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  /** Requests a reset for `email` and returns the link of the newest message to it. */
  async function resetLink(email: string, count = 1) {
    await requestReset(email).expect(204);
    const messages = await h.sink.waitFor(email, RESET, count);
    return resetLinkIn(messages[count - 1]!.html);
  }

  it('mails a link to the account; the link checks out, sets the password once, ends every session and sends the notice', async () => {
    const user = await createUser(h.t.app);
    const before = await login(h.t.app, user.email);
    const res = await requestReset(user.email.toUpperCase()).expect(204);
    expect(res.text).toBe('');
    const [mail] = await h.sink.waitFor(user.email, RESET);
    expect(mail!.to).toEqual([user.email]);
    expect(mail!.html).toContain('Please follow the link inside to reset your password.');
    const link = resetLinkIn(mail!.html);
    expect(link.url).toBe(`${FRONTEND}/reset/${user.uuid}/${link.token}`);

    const check = await h.t.http().get(`/api/reset/${link.uuid}/`).query({ token: link.token }).expect(200);
    expect(check.text).toBe('');

    const done = await h.t.http().post(`/api/reset/${link.uuid}/`).send({ token: link.token, password: NEW_PASSWORD }).expect(200);
    expect(done.body).toEqual({ success: true, email: user.email });
    expect(done.headers['set-cookie']).toBeUndefined();
    expect((await before.get('/api/users/@me/')).status).toBe(401);
    await h.sink.waitFor(user.email, CHANGED);
    await login(h.t.app, user.email, NEW_PASSWORD);
    await h.t.http().post('/api/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(401);

    // Used: dead for both the check and another reset.
    expectError(await h.t.http().get(`/api/reset/${link.uuid}`).query({ token: link.token }), 400, INVALID_TOKEN);
    expectError(await h.t.http().post(`/api/reset/${link.uuid}`).send({ token: link.token, password: 'another-passphrase-77' }), 400, INVALID_TOKEN);
  });

  it('answers 204 and sends nothing for an unknown or deactivated address', async () => {
    const inactive = await createUser(h.t.app);
    await h.t.app.get(UsersService).update(inactive, { isActive: false });
    expect((await requestReset('nobody-here@example.com').expect(204)).text).toBe('');
    await requestReset(inactive.email).expect(204);
    await h.drain();
    expect(h.sink.messages).toEqual([]);
  });

  it('lets exactly one of 10 parallel uses of one token through; only its password logs in', async () => {
    const user = await createUser(h.t.app);
    const link = await resetLink(user.email);
    const passwords = Array.from({ length: 10 }, (_, i) => `parallel-passphrase-${i}-x9`);
    const answers = await Promise.all(passwords.map((password) => h.t.http().post(`/api/reset/${link.uuid}/`).send({ token: link.token, password })));
    const winners = answers.flatMap((res, i) => (res.status === 200 ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const [i, res] of answers.entries()) if (i !== winners[0]) expectError(res, 400, INVALID_TOKEN);
    await login(h.t.app, user.email, passwords[winners[0]!]);
    for (const [i, password] of passwords.entries()) {
      if (i !== winners[0]) await h.t.http().post('/api/login').send({ email: user.email, password }).expect(401);
    }
    // One "password changed" notice, for the one change.
    await h.drain();
    expect(h.sink.messages.filter((m) => m.subject === CHANGED)).toHaveLength(1);
  });

  it('answers as fast for an unknown address as for a known one (medians of 10 within 1.5x)', async () => {
    const users = await Promise.all(Array.from({ length: 11 }, () => createUser(h.t.app)));
    // The in-process worker shares the api's event loop here (in production it is another process):
    // paused, it cannot lend its own work on the known addresses to the api's timings.
    const mailWorker = h.worker.get(MailProcessor).worker;
    await mailWorker.pause();
    const known: number[] = [];
    const unknown: number[] = [];
    try {
      // One of each first, so neither side pays a one-off cost.
      await time(users[10]!.email);
      await time('warm-up-unknown@example.com');
      for (let i = 0; i < 10; i++) {
        known.push(await time(users[i]!.email));
        unknown.push(await time(`nobody-timed-${i}@example.com`));
      }
    } finally {
      mailWorker.resume();
    }
    const ratio = median(known) / median(unknown);
    expect(ratio).toBeGreaterThan(1 / 1.5);
    expect(ratio).toBeLessThan(1.5);
    // The worker then mails the known addresses, and only them.
    await h.drain();
    expect(h.sink.messages.map((m) => m.to[0]).sort()).toEqual(users.map((u) => u.email).sort());
  });

  it('kills the token when the password changes another way', async () => {
    const user = await createUser(h.t.app);
    const link = await resetLink(user.email);
    const client = await login(h.t.app, user.email);
    await client.patch('/api/users/@me/', { current_password: DEFAULT_PASSWORD, password: 'changed-elsewhere-42' }).expect(200);
    expectError(await h.t.http().get(`/api/reset/${link.uuid}/`).query({ token: link.token }), 400, INVALID_TOKEN);
  });

  it('kills the token when a newer reset is requested (the newer one works)', async () => {
    const user = await createUser(h.t.app);
    const first = await resetLink(user.email);
    // Tokens carry their issue time in seconds: wait for the next second so the two links differ.
    const issuedAt = Math.floor(Date.now() / 1000);
    while (Math.floor(Date.now() / 1000) === issuedAt) await sleep(20);
    const second = await resetLink(user.email, 2);
    expect(second.token).not.toBe(first.token);
    expectError(await h.t.http().get(`/api/reset/${first.uuid}/`).query({ token: first.token }), 400, INVALID_TOKEN);
    await h.t.http().get(`/api/reset/${second.uuid}/`).query({ token: second.token }).expect(200);
  });

  it('kills the token when the account address changes', async () => {
    const user = await createUser(h.t.app);
    const link = await resetLink(user.email);
    await h.t.app.get(UsersService).update(user, { email: `moved-${user.email}` });
    expectError(await h.t.http().get(`/api/reset/${link.uuid}/`).query({ token: link.token }), 400, INVALID_TOKEN);
  });

  it('refuses bad links: no token, a wrong token, an unknown or malformed uuid, another user’s uuid', async () => {
    const user = await createUser(h.t.app);
    const other = await createUser(h.t.app);
    const link = await resetLink(user.email);
    expectError(await h.t.http().get(`/api/reset/${user.uuid}/`), 400, validation('required', 'This field is required.', 'token'));
    expectError(await h.t.http().post(`/api/reset/${user.uuid}/`).send({ password: NEW_PASSWORD }), 400, validation('required', 'This field is required.', 'token'));
    for (const [uuid, token] of [
      [user.uuid, `${link.token.slice(0, -1)}${link.token.endsWith('0') ? '1' : '0'}`],
      [user.uuid, 'garbage'],
      ['00000000-0000-4000-8000-000000000000', link.token],
      ['not-a-uuid', link.token],
      [other.uuid, link.token],
    ]) {
      expectError(await h.t.http().get(`/api/reset/${uuid}/`).query({ token }), 400, INVALID_TOKEN);
      expectError(await h.t.http().post(`/api/reset/${uuid}/`).send({ token, password: NEW_PASSWORD }), 400, INVALID_TOKEN);
    }
  });

  it('validates the new password like a password change, and changes nothing then', async () => {
    const user = await createUser(h.t.app);
    const link = await resetLink(user.email);
    const before = await snapshot(h.t, user.id);
    const post = (body: object) => h.t.http().post(`/api/reset/${link.uuid}/`).send({ token: link.token, ...body });
    expectError(await post({ password: 'short' }), 400, validation('invalid_input', 'This password is too short. It must contain at least 8 characters.', 'password'));
    expectError(await post({ password: '1234567890' }), 400, validation('invalid_input', 'This password is entirely numeric.', 'password'));
    expectError(await post({}), 400, validation('required', 'This field is required.', 'password'));
    expect(await snapshot(h.t, user.id)).toEqual(before);
    await h.t.http().get(`/api/reset/${link.uuid}/`).query({ token: link.token }).expect(200);
  });

  it('validates the address: required, a valid address, at most 254 characters (before the throttle)', async () => {
    expectError(await h.t.http().post('/api/reset/').send({}), 400, validation('required', 'This field is required.', 'email'));
    expectError(await h.t.http().post('/api/reset/'), 400, validation('required', 'This field is required.', 'email'));
    expectError(await requestReset('not an address'), 400, validation('invalid_input', 'Enter a valid email address.', 'email'));
    const long = `${'a'.repeat(250)}@example.com`;
    for (let i = 0; i < 8; i++) {
      expectError(await requestReset(long), 400, validation('max_length', 'Ensure this field has no more than 254 characters.', 'email'));
    }
  });

  it('throttles 6 requests a day per address (any case), not per client', async () => {
    const user = await createUser(h.t.app);
    for (let i = 0; i < 6; i++) await requestReset(i % 2 ? user.email : user.email.toUpperCase()).expect(204);
    const res = await requestReset(user.email);
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ type: 'throttled_error', code: 'throttled', attr: null });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3600);
    await requestReset('someone-else@example.com').expect(204);
  });

  it('needs no CSRF header, even with a session, and takes only JSON', async () => {
    const user = await createUser(h.t.app);
    const client = await login(h.t.app, user.email);
    await h.t.http().post('/api/reset/').set('Cookie', `sessionid=${client.sessionId}`).send({ email: user.email }).expect(204);
    const form = await h.t.http().post('/api/reset/').type('form').send(`email=${encodeURIComponent(user.email)}`);
    expect(form.status).toBe(415);
    expect(form.body.code).toBe('unsupported_media_type');
  });
});

describe('password reset: lifetime', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await startMailHarness({ PASSWORD_RESET_TIMEOUT_S: 1 });
  });
  afterAll(() => h.close());

  it('refuses a link older than PASSWORD_RESET_TIMEOUT_S', async () => {
    const user = await createUser(h.t.app);
    await h.t.http().post('/api/reset/').send({ email: user.email }).expect(204);
    const link = resetLinkIn((await h.sink.waitFor(user.email, RESET))[0]!.html);
    const deadline = Date.now() + 5000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await h.t.http().get(`/api/reset/${link.uuid}/`).query({ token: link.token })).status;
      if (status === 200) await sleep(100);
    }
    expectError(await h.t.http().post(`/api/reset/${link.uuid}/`).send({ token: link.token, password: NEW_PASSWORD }), 400, INVALID_TOKEN);
  });
});

describe('password reset without e-mail', () => {
  it('answers 400 email_not_available after checking the address', async () => {
    const t = await createTestApp({ config: { EMAIL_HOST: '' } });
    try {
      const user = await createUser(t.app);
      const before = await snapshot(t, user.id);
      expectError(
        await t.http().post('/api/reset/').send({ email: user.email }),
        400,
        validation('email_not_available', 'Cannot reset passwords because email is not configured for your instance. Please contact your administrator.', null),
      );
      expectError(await t.http().post('/api/reset/').send({ email: 'bad' }), 400, validation('invalid_input', 'Enter a valid email address.', 'email'));
      expect(await snapshot(t, user.id)).toEqual(before);
    } finally {
      await t.close();
    }
  });
});
