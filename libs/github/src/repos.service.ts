import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { Metrics } from '#libs/metrics';
import { githubErrors } from './github-errors.js';
import type { GithubIntegration } from './github-integration.entity.js';
import { GithubJobs } from './github-jobs.js';
import { GITHUB_TUNING, type GithubTuning } from './github-tuning.js';
import { ReposCache, type CachedRepo, type InstallationMeta, type Snapshot } from './repos-cache.js';
import { waitUntil } from './wait-until.js';

export interface ReposQuery {
  search: string;
  limit: number;
  offset: number;
}

export interface ReposPage {
  repositories: CachedRepo[];
  has_more: boolean;
  total: number;
  refreshed_at: string | null;
  stale: boolean;
}

export type RefreshResult = { status: 'done'; repositories: CachedRepo[]; refreshed_at: string | null } | { status: 'queued' };

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Repositories served only from the Redis cache; GitHub is the worker's job. */
@Injectable()
export class ReposService {
  private readonly logger = new Logger('ReposService');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GITHUB_TUNING) private readonly tuning: GithubTuning,
    private readonly cache: ReposCache,
    private readonly jobs: GithubJobs,
    private readonly metrics: Metrics,
  ) {}

  async list(row: GithubIntegration, query: ReposQuery): Promise<ReposPage> {
    if (row.status === 'deleted') throw githubErrors.installationDeleted();
    const iid = Number(row.installationId);
    let meta = await this.cache.meta(iid);
    if (meta.status === 'deleted') throw githubErrors.installationDeleted();
    const suspended = row.status === 'suspended' || meta.status === 'suspended';
    let snapshot = await this.cache.snapshot(iid, meta);
    const cold = !snapshot && !suspended;
    // Counted before the wait: a cold read that times out (503) is a cold read too.
    if (cold) this.metrics.reposCacheRead('cold');
    if (cold) ({ meta, snapshot } = await this.coldFill(iid));
    const stale = suspended || !snapshot || meta.syncedAt === undefined || Date.now() - meta.syncedAt >= this.config.GITHUB_REPOS_TTL_S * 1000;
    if (!cold) this.metrics.reposCacheRead(stale ? 'stale' : 'fresh');
    if (stale && !suspended) this.refreshInBackground(iid);
    return { ...this.window(snapshot, query), refreshed_at: iso(meta.syncedAt), stale };
  }

  async refresh(row: GithubIntegration): Promise<RefreshResult> {
    if (row.status === 'deleted') throw githubErrors.installationDeleted();
    const iid = Number(row.installationId);
    const meta = await this.cache.meta(iid);
    if (meta.status === 'deleted') throw githubErrors.installationDeleted();
    const snapshot = await this.cache.snapshot(iid, meta);
    // Suspended: nothing to ask GitHub until it is unsuspended; the kept list is the answer.
    if (row.status === 'suspended' || meta.status === 'suspended') return this.done(meta, snapshot);
    if (meta.blockedUntil && meta.blockedUntil > Date.now()) throw githubErrors.rateLimited((meta.blockedUntil - Date.now()) / 1000);
    if (snapshot && meta.syncedAt !== undefined && Date.now() - meta.syncedAt < this.tuning.refreshCooldownMs) return this.done(meta, snapshot);
    const start = Date.now();
    await this.jobs.refreshRepos(iid, 'high');
    const outcome = await waitUntil(async () => {
      const m = await this.cache.meta(iid);
      if (m.status === 'deleted') throw githubErrors.installationDeleted();
      if (m.status === 'suspended') return m;
      if (m.syncedAt !== undefined && m.syncedAt >= start) return m;
      if (m.errAt !== undefined && m.errAt >= start) throw this.errorOf(m);
      return undefined;
    }, this.config.GITHUB_REFRESH_WAIT_MS, this.tuning.pollMs);
    if (!outcome) return { status: 'queued' };
    return this.done(outcome, await this.cache.snapshot(iid, outcome));
  }

  private done(meta: InstallationMeta, snapshot: Snapshot | null): RefreshResult {
    return { status: 'done', repositories: snapshot?.repos ?? [], refreshed_at: iso(meta.syncedAt) };
  }

  private errorOf(meta: InstallationMeta) {
    return meta.errCode === 'github_rate_limited' ? githubErrors.rateLimited(meta.errRetryS ?? 60) : githubErrors.upstreamFailed();
  }

  /** No cache yet: a high-priority refresh, and a bounded wait for it. */
  private async coldFill(iid: number): Promise<{ meta: InstallationMeta; snapshot: Snapshot }> {
    const start = Date.now();
    await this.jobs.refreshRepos(iid, 'high');
    const filled = await waitUntil(async () => {
      const meta = await this.cache.meta(iid);
      if (meta.status === 'deleted') throw githubErrors.installationDeleted();
      const snapshot = await this.cache.snapshot(iid, meta);
      if (snapshot) return { meta, snapshot };
      if (meta.status === 'suspended' || (meta.errAt !== undefined && meta.errAt >= start)) throw githubErrors.stillFetching('Repositories');
      return undefined;
    }, this.config.GITHUB_COLD_WAIT_MS, this.tuning.pollMs);
    if (!filled) throw githubErrors.stillFetching('Repositories');
    return filled;
  }

  private refreshInBackground(iid: number): void {
    this.jobs.refreshReposIfIdle(iid).catch((error: unknown) => this.logger.warn(`Could not enqueue a refresh of ${iid}: ${String(error)}`));
  }

  /** Case-insensitive substring of `full_name`, in snapshot order (already sorted). */
  private window(snapshot: Snapshot | null, { search, limit, offset }: ReposQuery) {
    if (!snapshot) return { repositories: [], has_more: false, total: 0 };
    const needle = search.trim().toLowerCase();
    let matches: CachedRepo[];
    if (needle === '') {
      matches = snapshot.repos;
    } else {
      matches = [];
      const { repos, folded } = snapshot;
      for (let i = 0; i < folded.length; i++) if (folded[i]!.includes(needle)) matches.push(repos[i]!);
    }
    return { repositories: matches.slice(offset, offset + limit), has_more: offset + limit < matches.length, total: matches.length };
  }
}
