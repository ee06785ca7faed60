import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { CSRF_COOKIE, SESSION_COOKIE } from '#libs/auth';
import { cacheKeys, GithubJob, IntegrationsService, SchedulerId } from '#libs/github';
import { ensureBuilt, freePort, spawnBuilt, type Spawned } from '../../support/build.js';
import { githubAppSettings, startFakeGithub, type FakeGithub } from '../../support/fake-github/index.js';
import { createApiKey, createUser, DEFAULT_PASSWORD } from '../../support/fixtures.js';
import { testQueueOptions } from '../../support/redis.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { TEST_DATABASE_URL, TEST_REDIS_CLUSTER_NODES, TEST_REDIS_URL } from '../../support/test-env.js';

const SWEEP_EVERY_MS = 1000;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Two api and two worker processes (the built output) on one PostgreSQL and one Redis (a single
 * node, or the cluster of the test run's cluster pass) behave as one service: sessions and CSRF
 * tokens, throttles, refresh de-duplication and cooldowns, the schedule, webhook de-duplication.
 */
describe('replicas: 2 api + 2 worker processes behave as one (built processes)', () => {
  let t: TestApp;
  let gh: FakeGithub;
  let queue: Queue;
  let queueOptions: ReturnType<typeof testQueueOptions>;
  const processes: Spawned[] = [];
  const apis: string[] = [];
  const workers: string[] = [];
  let installation = 8_000_000 + Math.floor(Math.random() * 100_000);

  beforeAll(async () => {
    ensureBuilt();
    gh = await startFakeGithub();
    t = await createTestApp({ config: githubAppSettings(gh) });
    // A queue prefix of its own: only these workers see these jobs and this schedule.
    const prefix = `replicas-${randomBytes(4).toString('hex')}`;
    queueOptions = testQueueOptions(prefix);
    queue = new Queue('github', queueOptions);
    const env = {
      ...githubAppSettings(gh),
      DATABASE_URL: TEST_DATABASE_URL,
      // On a cluster, REDIS_URL must not be used at all: it points at a closed port.
      REDIS_URL: TEST_REDIS_CLUSTER_NODES ? `redis://127.0.0.1:${await freePort()}/0` : TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      SECRET_KEY: t.config.SECRET_KEY,
      GITHUB_SWEEP_EVERY_MS: String(SWEEP_EVERY_MS),
      GITHUB_REFRESH_WAIT_MS: '10000',
      GITHUB_COLD_WAIT_MS: '10000',
    };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      processes.push(spawnBuilt('apps/api/src/main.js', [], { ...env, PORT: String(port) }));
      apis.push(`http://127.0.0.1:${port}`);
      const workerPort = await freePort();
      processes.push(spawnBuilt('apps/worker/src/main.js', [], { ...env, WORKER_PORT: String(workerPort) }));
      workers.push(`http://127.0.0.1:${workerPort}`);
    }
    await Promise.all(processes.map((p, i) => p.waitFor(i % 2 === 0 ? /Nest application successfully started/ : 'worker started', 30_000)));
  }, 180_000);

  afterAll(async () => {
    for (const p of processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    }
    await Promise.all(processes.map((p) => p.exited));
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    queueOptions?.connection.disconnect();
    await t?.close();
    await gh?.close();
  }, 30_000);

  const [A, B] = [0, 1];
  const call = (api: number, path: string, init: RequestInit = {}) => fetch(`${apis[api]}${path}`, init);

  async function linked(): Promise<{ iid: number; key: string }> {
    const iid = ++installation;
    gh.addInstallation({ id: iid, account: { login: 'octo' }, repos: 30 });
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:read', 'user:write']);
    await t.app.get(IntegrationsService).link({
      userId: user.id,
      installationId: iid,
      account: { type: 'User', login: 'octo', id: 42 },
      repositorySelection: 'selected',
      githubUser: { login: 'octo', id: 42 },
    });
    return { iid, key };
  }
  const sweeps = (iid: number) => gh.calls.filter((c) => c.path === '/installation/repositories' && c.installationId === iid && (c.query.page ?? '1') === '1').length;

  it('every process is ready: PostgreSQL and Redis (on a cluster: every slot served) up', async () => {
    for (const api of apis) expect(await (await fetch(`${api}/api/ready`)).json()).toMatchObject({ status: 'ok' });
    for (const worker of workers) expect((await fetch(`${worker}/ready`)).status).toBe(200);
  });

  it('a session and its CSRF token made on one api work on the other; logging out on one ends it on both', async () => {
    const user = await createUser(t.app);
    const login = await call(A, '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: user.email, password: DEFAULT_PASSWORD }) });
    expect(login.status).toBe(200);
    const cookies = Object.fromEntries(login.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=')).map(([k, ...v]) => [k, decodeURIComponent(v.join('='))]));
    const cookie = `${SESSION_COOKIE}=${cookies[SESSION_COOKIE]}; ${CSRF_COOKIE}=${cookies[CSRF_COOKIE]}`;
    const write = (api: number, csrf: string) =>
      call(api, '/api/users/@me/', { method: 'PATCH', headers: { Cookie: cookie, 'X-CSRFToken': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ first_name: `Api${api}` }) });

    expect((await write(B, cookies[CSRF_COOKIE]!)).status).toBe(200);
    // The other api knows the token is not this session's.
    expect((await write(B, 'x'.repeat(43))).status).toBe(403);
    expect(await (await call(A, '/api/users/@me/', { headers: { Cookie: cookie } })).json()).toMatchObject({ first_name: `Api${B}` });

    expect((await call(B, '/api/logout', { method: 'POST', headers: { Cookie: cookie, 'X-CSRFToken': cookies[CSRF_COOKIE]! } })).status).toBeLessThan(300);
    expect((await call(A, '/api/users/@me/', { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('a throttle counts attempts made on either api against one budget', async () => {
    const user = await createUser(t.app);
    const attempt = (api: number) =>
      call(api, '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: user.email, password: 'wrong password' }) });
    // Ten attempts per address and minute (docs/api.md, Throttles), alternating between the apis.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await attempt(i % 2 === 0 ? A : B)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('refreshes asked of both apis at once share a sweep, and the cooldown holds on the other api', async () => {
    const { iid, key } = await linked();
    const refresh = (api: number) => call(api, `/api/users/@me/integrations/github/${iid}/repos/refresh/`, { method: 'POST', headers: bearer(key) });
    expect((await call(A, `/api/users/@me/integrations/github/${iid}/repos/`, { headers: bearer(key) })).status).toBe(200);
    // Within the cooldown, a refresh on either api answers from the cache without calling GitHub.
    let before = gh.calls.length;
    expect((await refresh(B)).status).toBe(200);
    expect((await refresh(A)).status).toBe(200);
    expect(gh.calls.length).toBe(before);
    // Past it, eight refreshes spread over both apis share the sweep (at most one more may follow a
    // sweep that ended while requests still arrived), instead of one sweep each.
    const meta = cacheKeys.meta(iid);
    await t.redis.hset(meta, 'synced_at', Number(await t.redis.hget(meta, 'synced_at')) - 60_000);
    gh.fault({ kind: 'slow', path: '/installation/repositories', delayMs: 300 });
    before = sweeps(iid);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => refresh(i % 2 === 0 ? A : B)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(sweeps(iid) - before).toBeGreaterThanOrEqual(1);
    expect(sweeps(iid) - before).toBeLessThanOrEqual(2);
  });

  it('both workers register one schedule, and each of its sweeps runs once', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual([SchedulerId.GithubSweepStale]);
    // Let the schedule produce a few sweeps, then look at the ones that ran.
    await until(async () => (await queue.getCompleted()).filter((j) => j.name === GithubJob.SweepStale).length >= 3, 'three sweeps', 15_000);
    const ran = (await queue.getCompleted()).filter((j) => j.name === GithubJob.SweepStale);
    // A scheduled job's id ends with the time it was scheduled for.
    const ticks = ran.map((j) => Number(j.id!.split(':').at(-1))).sort((x, y) => x - y);
    // One job per tick of the one scheduler: no tick twice, ticks a period apart.
    expect(new Set(ran.map((j) => j.id)).size).toBe(ran.length);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThanOrEqual(SWEEP_EVERY_MS);
    expect(ran.every((j) => j.attemptsMade === 1)).toBe(true);
  });

  it('a webhook delivery sent to both apis is accepted once', async () => {
    const { iid, key } = await linked();
    expect((await call(A, `/api/users/@me/integrations/github/${iid}/repos/`, { headers: bearer(key) })).status).toBe(200);
    const delivery = randomUUID();
    const body = JSON.stringify({ action: 'suspend', installation: gh.installationJson(iid) });
    const deliver = (api: number) =>
      call(api, '/api/integrations/github/webhook', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'installation', 'X-GitHub-Delivery': delivery, 'X-Hub-Signature-256': gh.signWebhook(body) },
        body,
      });
    const answers = await Promise.all([deliver(A), deliver(B)]);
    expect(answers.map((r) => r.status)).toEqual([202, 202]);
    expect((await Promise.all(answers.map((r) => r.json()))).map((b) => (b as { status: string }).status).sort()).toEqual(['accepted', 'duplicate']);
    const jobs = (await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed'])).filter((j) => (j.data as { deliveryId?: string }).deliveryId === delivery);
    expect(jobs).toHaveLength(1);
  });
});
