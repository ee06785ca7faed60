import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueueEvents } from 'bullmq';
import { jitteredTtlMs, StaleSweep } from '#libs/github';
import { GithubJob, SchedulerId } from '#libs/github';
import { GithubSchedule } from '../../../apps/worker/src/github/github-schedule.js';
import { testQueueOptions } from '../../support/redis.js';
import { ageCache, eventually, linkedUser, meta, newInstallationId, startGithubHarness, sweeps, type GithubHarness } from './support/github-harness.js';

describe('the stale sweep schedule', () => {
  let h: GithubHarness;
  let events: QueueEvents;
  let eventsOptions: ReturnType<typeof testQueueOptions>;
  beforeAll(async () => {
    h = await startGithubHarness({ schedule: true, config: { GITHUB_REPOS_TTL_S: 3600 } });
    eventsOptions = testQueueOptions(h.t.config.QUEUE_PREFIX);
    events = new QueueEvents(h.queue.name, eventsOptions);
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    eventsOptions.connection.disconnect();
    await h.close();
  });

  async function warm() {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos: 3 });
    const linked = await linkedUser(h, iid);
    await h.t.http().get(`/api/users/@me/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${linked.key}`).expect(200);
    return { iid, ...linked };
  }

  it('registers one BullMQ job scheduler running every minute, however many workers start', async () => {
    await h.worker.get(GithubSchedule).onApplicationBootstrap();
    await h.worker.get(GithubSchedule).onApplicationBootstrap();
    const schedulers = await h.queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: SchedulerId.GithubSweepStale, name: GithubJob.SweepStale, every: 60_000 });
  });

  it('jitters the TTL by ±20%, differently per installation', () => {
    const values = Array.from({ length: 200 }, (_, i) => jitteredTtlMs(3600, i + 1, 1_700_000_000_000));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0.8 * 3600_000);
    expect(Math.max(...values)).toBeLessThanOrEqual(1.2 * 3600_000);
    expect(new Set(values).size).toBeGreaterThan(150);
    expect(Math.min(...values)).toBeLessThan(0.85 * 3600_000);
    expect(Math.max(...values)).toBeGreaterThan(1.15 * 3600_000);
  });

  it('a sweep job refreshes linked installations older than their jittered TTL (and never-synced ones), skipping fresh, suspended and deleted ones', async () => {
    const old = await warm();
    const fresh = await warm();
    const suspended = await warm();
    const deleted = await warm();
    const uncached = newInstallationId();
    h.gh.addInstallation({ id: uncached, account: { login: 'octo' }, repos: 2 });
    await linkedUser(h, uncached);
    await ageCache(h, old.iid, 1.25 * 3600_000);
    await ageCache(h, fresh.iid, 0.75 * 3600_000);
    await ageCache(h, suspended.iid, 2 * 3600_000);
    await ageCache(h, deleted.iid, 2 * 3600_000);
    await h.t.dataSource.query(`UPDATE github_integrations SET status = 'suspended' WHERE installation_id = $1`, [suspended.iid]);
    await h.t.redis.hset(`gh:inst:{${suspended.iid}}:meta`, 'status', 'suspended');
    await h.t.dataSource.query(`UPDATE github_integrations SET status = 'deleted' WHERE installation_id = $1`, [deleted.iid]);
    const oldSynced = (await meta(h, old.iid)).syncedAt!;
    const job = await h.queue.add(GithubJob.SweepStale, {});
    const result = (await job.waitUntilFinished(events, 10_000)) as { enqueued: number[] };
    const mine = [old.iid, fresh.iid, suspended.iid, deleted.iid, uncached];
    expect(result.enqueued.filter((i) => mine.includes(i)).sort()).toEqual([old.iid, uncached].sort());
    await eventually(async () => ((await meta(h, old.iid)).syncedAt ?? 0) > oldSynced);
    await eventually(async () => (await meta(h, uncached)).total === 2);
    expect(sweeps(h.gh, fresh.iid)).toBe(1);
    expect(sweeps(h.gh, suspended.iid)).toBe(1);
    expect(sweeps(h.gh, deleted.iid)).toBe(1);
  });

  it('is safe when several workers sweep at once: refreshes stay de-duplicated per installation', async () => {
    const { iid } = await warm();
    await ageCache(h, iid, 3 * 3600_000);
    h.gh.resetCalls();
    h.gh.fault({ kind: 'slow', path: '/installation/repositories', delayMs: 300 });
    const sweep = h.worker.get(StaleSweep);
    await Promise.all([sweep.run(), sweep.run(), sweep.run(), sweep.run()]);
    await eventually(async () => ((await meta(h, iid)).syncedAt ?? 0) > Date.now() - 5000);
    // Whatever the event or call queued has run before anything is asserted not to have happened.
    await h.drain();
    expect(sweeps(h.gh, iid)).toBe(1);
  });
});
