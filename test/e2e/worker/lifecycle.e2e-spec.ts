import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GithubJob, IntegrationsService } from '#libs/github';
import { ensureBuilt, spawnBuilt, type Spawned } from '../../support/build.js';
import { githubAppSettings, startFakeGithub, type FakeGithub } from '../../support/fake-github/index.js';
import { createUser } from '../../support/fixtures.js';
import { testQueueOptions } from '../../support/redis.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/test-env.js';

/** 5,000 repositories: 50 pages of 100, each answered after PAGE_MS. */
const REPOS = 5000;
const PAGES = 50;
const PAGE_MS = 60;

/** Polls `check` until it holds; throws after `timeoutMs`. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/**
 * Built worker processes against the fake GitHub: crash recovery (a killed worker's job runs again
 * on another within 20 s) and graceful shutdown (docs/operations.md, Crash recovery and Shutdown).
 */
describe('worker crash recovery and graceful shutdown (built processes)', () => {
  let t: TestApp;
  let gh: FakeGithub;
  let queue: Queue;
  let queueOptions: ReturnType<typeof testQueueOptions>;
  let env: Record<string, string>;
  const spawned: Spawned[] = [];
  let iid = 7_000_000 + Math.floor(Math.random() * 100_000);

  beforeAll(async () => {
    ensureBuilt();
    gh = await startFakeGithub();
    gh.latency('/installation/repositories', PAGE_MS);
    t = await createTestApp({ config: githubAppSettings(gh) });
    // A queue prefix of its own: only these workers see these jobs.
    const prefix = `lifecycle-${randomBytes(4).toString('hex')}`;
    queueOptions = testQueueOptions(prefix);
    queue = new Queue('github', queueOptions);
    env = {
      ...githubAppSettings(gh),
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
    };
  }, 180_000);
  afterEach(async () => {
    for (const worker of spawned.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGKILL');
        await worker.exited;
      }
    }
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    queueOptions?.connection.disconnect();
    await t?.close();
    await gh?.close();
  });

  const startWorker = (extra: Record<string, string> = {}) => {
    const worker = spawnBuilt('apps/worker/src/main.js', [], { ...env, ...extra });
    spawned.push(worker);
    return worker;
  };
  /** A linked installation with PAGES pages of repositories, and its refresh job queued. */
  async function queueSweep(): Promise<{ installationId: number; jobId: string }> {
    const installationId = ++iid;
    gh.addInstallation({ id: installationId, account: { login: `org-${installationId}`, type: 'Organization' }, repos: REPOS });
    const user = await createUser(t.app);
    await t.app.get(IntegrationsService).link({
      userId: user.id,
      installationId,
      account: { type: 'Organization', login: `org-${installationId}`, id: installationId },
      repositorySelection: 'all',
      githubUser: { login: 'octo', id: 42 },
    });
    const jobId = `sweep-${installationId}`;
    // The de-duplication id the service uses, so the schedule's sweep never queues a second one.
    await queue.add(GithubJob.RefreshRepos, { installationId }, { jobId, deduplication: { id: `repos:${installationId}` }, attempts: 5 });
    return { installationId, jobId };
  }
  const pagesFetched = (installationId: number) =>
    gh.calls.filter((c) => c.path === '/installation/repositories' && c.installationId === installationId && c.status === 200).map((c) => Number(c.query.page ?? 1));
  it('runs a killed worker’s job again on another worker within 20 s of the kill, to its last page', async () => {
    const first = startWorker();
    await first.waitFor('worker started', 20_000);
    const { installationId, jobId } = await queueSweep();
    await until(() => pagesFetched(installationId).length >= 8, 20_000, '8 pages');
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    const pagesAtKill = pagesFetched(installationId).length;
    expect(pagesAtKill).toBeLessThan(PAGES);

    const second = startWorker();
    await until(async () => (await queue.getJob(jobId).then((job) => job?.getState())) === 'completed', 20_000, 'the job completed after the kill');
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    // The second run swept every page again, through the last one.
    const after = pagesFetched(installationId).slice(pagesAtKill);
    expect(new Set(after)).toEqual(new Set(Array.from({ length: PAGES }, (_, i) => i + 1)));
    expect((await queue.getJob(jobId))!.failedReason).toBeFalsy();
    expect(second.child.exitCode).toBeNull();
  }, 60_000);

  it('on SIGTERM finishes the running sweep (every page, completed, not failed) and exits 0 within the grace', async () => {
    const grace = 10_000;
    const worker = startWorker({ SHUTDOWN_GRACE_MS: String(grace) });
    await worker.waitFor('worker started', 20_000);
    const { installationId, jobId } = await queueSweep();
    await until(() => pagesFetched(installationId).length >= 3, 20_000, '3 pages');
    worker.child.kill('SIGTERM');
    const signalledAt = Date.now();
    const exit = await Promise.race([worker.exited, sleep(grace + 2000).then(() => 'still running')]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(grace);
    expect(new Set(pagesFetched(installationId))).toEqual(new Set(Array.from({ length: PAGES }, (_, i) => i + 1)));
    expect(await queue.getJob(jobId).then((job) => job?.getState())).toBe('completed');
  }, 60_000);

  it('on SIGTERM with a job longer than the grace, exits within the grace and leaves the job to another worker (not failed)', async () => {
    const grace = 2000;
    const worker = startWorker({ SHUTDOWN_GRACE_MS: String(grace), SHUTDOWN_DRAIN_MS: '0' });
    await worker.waitFor('worker started', 20_000);
    const { installationId, jobId } = await queueSweep();
    await until(() => pagesFetched(installationId).length >= 3, 20_000, '3 pages');
    worker.child.kill('SIGTERM');
    const signalledAt = Date.now();
    await worker.exited;
    // The grace timer ends the process at the grace; the margin is the signal's and the exit's own latency.
    expect(Date.now() - signalledAt).toBeLessThan(grace + 1000);
    expect(await queue.getJob(jobId).then((job) => job?.getState())).toBe('active');
    // Another worker takes it once its lock expires, and completes it.
    startWorker();
    await until(async () => (await queue.getJob(jobId).then((job) => job?.getState())) === 'completed', 20_000, 'the job completed by another worker');
    expect((await queue.getJob(jobId))!.failedReason).toBeFalsy();
  }, 60_000);
});
