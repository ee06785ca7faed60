import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { GithubJobs } from './github-jobs.js';
import { IntegrationsService } from './integrations.service.js';
import { ReposCache } from './repos-cache.js';

/**
 * ±20% of the TTL, fixed for one snapshot of one installation (hash of both), so installations
 * synced at the same moment spread out instead of all refreshing in the same minute.
 */
export function jitteredTtlMs(ttlS: number, installationId: number, syncedAt: number): number {
  const h = createHash('sha256').update(`${installationId}:${syncedAt}`).digest().readUInt32BE(0) / 0xffffffff;
  return ttlS * 1000 * (0.8 + 0.4 * h);
}

/**
 * The scheduled sweep: a low-priority refresh for every linked, active installation whose
 * cache is older than its jittered TTL. Safe from several workers at once: the refresh jobs are
 * de-duplicated per installation, so a second sweep adds nothing.
 */
@Injectable()
export class StaleSweep {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly integrations: IntegrationsService,
    private readonly cache: ReposCache,
    private readonly jobs: GithubJobs,
  ) {}

  /** Returns the installations it enqueued. */
  async run(now = Date.now()): Promise<number[]> {
    const due: number[] = [];
    for (const iid of await this.integrations.activeInstallationIds()) {
      const meta = await this.cache.meta(iid);
      if (meta.status !== 'active') continue;
      if (meta.blockedUntil && meta.blockedUntil > now) continue;
      if (meta.syncedAt !== undefined && now - meta.syncedAt < jitteredTtlMs(this.config.GITHUB_REPOS_TTL_S, iid, meta.syncedAt)) continue;
      if (await this.jobs.refreshReposIfIdle(iid)) due.push(iid);
    }
    return due;
  }
}
