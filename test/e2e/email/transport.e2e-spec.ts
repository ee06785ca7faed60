import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_PASSWORD, loggedInUser } from '../../support/fixtures.js';
import { createTestApp } from '../../support/test-app.js';
import { startMailHarness, type MailHarness } from './support/mail-harness.js';
import { keysMatching } from '../../support/redis.js';
import { queuePrefix } from '#libs/redis';

const CHANGED = 'Your password has been changed';
const changePassword = (client: Awaited<ReturnType<typeof loggedInUser>>['client'], password: string, current = DEFAULT_PASSWORD) =>
  client.patch('/api/users/@me/', { current_password: current, password });

/** Polls (with a deadline) until `check` holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('e-mail transport: the worker sends queued messages over SMTP (docs/operations.md)', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await startMailHarness();
  });
  beforeEach(() => h.reset());
  afterAll(() => h.close());

  it('sends one HTML message from EMAIL_DEFAULT_FROM, to the account address', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    await changePassword(client, 'a-new-password-1').expect(200);
    const [mail] = await h.sink.waitFor(user.email, CHANGED);
    expect(mail!.to).toEqual([user.email]);
    expect(mail!.from).toBe('noreply@posthog.test');
    expect(mail!.html).toContain('password was changed');
    await h.drain();
    expect(h.sink.to(user.email)).toHaveLength(1);
  });

  it('with SMTP down, answers as usual and sends the message once the server is back', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    await h.sink.stop();
    try {
      await changePassword(client, 'a-new-password-2').expect(200);
      await until(async () => (await h.queue.getJobCounts('delayed')).delayed > 0, 'a failed first attempt');
    } finally {
      await h.sink.start();
    }
    await h.sink.waitFor(user.email, CHANGED);
    await h.drain();
    expect(h.sink.to(user.email, CHANGED)).toHaveLength(1);
  });

  it('retries a 4xx answer and sends once', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    h.sink.rejectWith(451);
    await changePassword(client, 'a-new-password-3').expect(200);
    await until(async () => (await h.queue.getJobCounts('delayed')).delayed > 0, 'a refused first attempt');
    h.sink.rejectWith(null);
    await h.sink.waitFor(user.email, CHANGED);
    await h.drain();
    expect(h.sink.to(user.email, CHANGED)).toHaveLength(1);
  });

  it('does not retry a 5xx answer', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    h.sink.rejectWith(550);
    await changePassword(client, 'a-new-password-4').expect(200);
    await until(async () => (await h.queue.getJobCounts('failed')).failed > 0, 'the job to fail');
    h.sink.rejectWith(null);
    const [failed] = await h.queue.getFailed();
    expect(failed!.attemptsMade).toBe(1);
    await h.drain();
    expect(h.sink.to(user.email)).toHaveLength(0);
  });

  it('never sends one message twice to one recipient: the same job again sends nothing', async () => {
    const { user, client } = await loggedInUser(h.t.app);
    await changePassword(client, 'a-new-password-5').expect(200);
    await h.sink.waitFor(user.email, CHANGED);
    await h.drain();
    // The very job again (as a retry after the server accepted it would run it): nothing new goes out.
    const job = { to: user.email, template: 'password_changed', params: {} };
    const sentIds = (await keysMatching(h.t.redis, 'mail:sent:*')).map((k) => k.slice('mail:sent:'.length));
    expect(sentIds).toHaveLength(1);
    await h.queue.add('mail.send', job, { jobId: sentIds[0] });
    await h.drain();
    expect(h.sink.to(user.email)).toHaveLength(1);
  });
});

describe('without e-mail available', () => {
  it.each([
    ['EMAIL_HOST empty', { EMAIL_HOST: '' }],
    ['EMAIL_ENABLED false', { EMAIL_HOST: '127.0.0.1', EMAIL_ENABLED: false }],
  ])('%s: changes the password as usual and queues nothing', async (_name, config) => {
    const t = await createTestApp({ config });
    try {
      const { client } = await loggedInUser(t.app);
      await changePassword(client, 'a-new-password-6').expect(200);
      expect(await keysMatching(t.redis, `${queuePrefix(t.config)}:mail:*`)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
