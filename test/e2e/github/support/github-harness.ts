import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerModule } from '../../../../apps/worker/src/worker.module.js';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { DEFAULT_GITHUB_TUNING, GITHUB_TUNING, IntegrationsService, ReposCache, SchedulerId, type GithubTuning, type InstallationMeta } from '#libs/github';
import { QueueName } from '#libs/redis';
import type { User } from '#libs/users';
import { createApiKey, createUser } from '../../../support/fixtures.js';
import { githubAppSettings, startFakeGithub, type FakeGithub, type StartFakeGithubOptions } from '../../../support/fake-github/index.js';
import { createTestApp, type TestApp } from '../../../support/test-app.js';

export interface GithubHarness {
  t: TestApp;
  gh: FakeGithub;
  worker: TestingModule;
  queue: Queue;
  tuning: GithubTuning;
  /** Waits (polling, with a deadline) until the GitHub queue has no waiting, delayed (but the schedule's), prioritized or active job. */
  drain: (timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<AppConfig>;
  tuning?: Partial<GithubTuning>;
  fake?: StartFakeGithubOptions;
  /** Keep the worker's one-minute stale sweep (off by default so call counts stay exact). */
  schedule?: boolean;
  /** Extra overrides on the API's testing module. */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Extra overrides on the in-process worker's testing module. */
  customizeWorker?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** The fake GitHub, the API wired to it, and an in-process worker on the same Redis/PostgreSQL. */
export async function startGithubHarness(options: HarnessOptions = {}): Promise<GithubHarness> {
  const gh = await startFakeGithub(options.fake);
  const tuning: GithubTuning = { ...DEFAULT_GITHUB_TUNING, requestRetries: 1, retryBaseMs: 10, jobBackoffMs: 50, pollMs: 20, ...options.tuning };
  const t = await createTestApp({
    config: {
      ...githubAppSettings(gh),
      FRONTEND_URL: 'http://frontend.test',
      GITHUB_COLD_WAIT_MS: 3000,
      GITHUB_REFRESH_WAIT_MS: 3000,
      ...options.config,
    },
    customize: (b) => (options.customize ?? ((x) => x))(b.overrideProvider(GITHUB_TUNING).useValue(tuning)),
  });
  const worker = await (options.customizeWorker ?? ((x) => x))(
    Test.createTestingModule({ imports: [WorkerModule] }).overrideProvider(APP_CONFIG).useValue(t.config).overrideProvider(GITHUB_TUNING).useValue(tuning),
  ).compile();
  await worker.init();
  const queue = worker.get<Queue>(getQueueToken(QueueName.Github));
  if (!options.schedule) await queue.removeJobScheduler(SchedulerId.GithubSweepStale);
  const drain = async (timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
      // The schedule's next sweep waits as a delayed job of its own (id `repeat:…`): not work in flight.
      const delayed = (await queue.getDelayed()).filter((job) => !job.id?.startsWith('repeat:')).length;
      if (delayed === 0 && Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`github queue not drained: ${JSON.stringify({ ...counts, delayed })}`);
      await sleep(25);
    }
  };
  return {
    t,
    gh,
    worker,
    queue,
    tuning,
    drain,
    close: async () => {
      await worker.close();
      await t.close();
      await gh.close();
    },
  };
}

let nextInstallation = 1000 + Math.floor(Math.random() * 1000) * 1000;
/** A fresh installation id per test, so tests sharing one Redis never see each other's cache. */
export const newInstallationId = () => ++nextInstallation;

/** A user with an API key and a linked row for `installationId` (no GitHub call). */
export async function linkedUser(h: GithubHarness, installationId: number, login = 'octo'): Promise<{ user: User; key: string }> {
  const user = await createUser(h.t.app);
  const key = await createApiKey(h.t.app, user, ['user:read', 'user:write']);
  await h.t.app.get(IntegrationsService).link({
    userId: user.id,
    installationId,
    account: { type: 'User', login, id: 42 },
    repositorySelection: 'selected',
    githubUser: { login, id: 42 },
  });
  return { user, key };
}

export const meta = (h: GithubHarness, iid: number): Promise<InstallationMeta> => h.t.app.get(ReposCache).meta(iid);

/** Waits (up to 10 s) for `check` to hold. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(25);
  }
}

/** Ages the cache of an installation by `ms` (as if synced that long ago). */
export async function ageCache(h: GithubHarness, iid: number, ms: number): Promise<void> {
  const m = await meta(h, iid);
  await h.t.redis.hset(`gh:inst:{${iid}}:meta`, 'synced_at', (m.syncedAt ?? Date.now()) - ms);
}

/** GitHub calls for the first page of the installation's repository list (one per sweep). */
export const sweeps = (gh: FakeGithub, iid: number) =>
  gh.calls.filter((c) => c.path === '/installation/repositories' && c.installationId === iid && (c.query.page ?? '1') === '1').length;

export const repoCalls = (gh: FakeGithub, iid: number) =>
  gh.calls.filter((c) => c.path === '/installation/repositories' && c.installationId === iid).length;

export const mints = (gh: FakeGithub, iid: number) =>
  gh.calls.filter((c) => c.path === `/app/installations/${iid}/access_tokens`).length;

/**
 * Makes the shared installation token look a minute old. auth-app retries a 401 for 5 s after a
 * token's creation (GitHub's replication lag); tokens in real use are older than that.
 */
export async function ageToken(h: GithubHarness, iid: number): Promise<void> {
  const key = `gh:inst:{${iid}}:token`;
  const value = await h.t.redis.get(key);
  if (!value) return;
  const parts = value.split('|');
  parts[1] = new Date(Date.now() - 60_000).toISOString();
  await h.t.redis.set(key, parts.join('|'), 'KEEPTTL');
}
