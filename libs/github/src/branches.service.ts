import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { BranchesCache, type BranchesEntry } from './branches-cache.js';
import { githubErrors } from './github-errors.js';
import type { GithubIntegration } from './github-integration.entity.js';
import { GithubJobs } from './github-jobs.js';
import { GITHUB_TUNING, type GithubTuning } from './github-tuning.js';
import { ReposCache } from './repos-cache.js';
import type { ReposQuery } from './repos.service.js';
import { waitUntil } from './wait-until.js';

export interface BranchesPage {
  branches: string[];
  default_branch: string | null;
  has_more: boolean;
  total: number;
  refreshed_at: string | null;
  stale: boolean;
}

/** Branches of one repository, served only from the cache, same rules as repositories. */
@Injectable()
export class BranchesService {
  private readonly logger = new Logger('BranchesService');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GITHUB_TUNING) private readonly tuning: GithubTuning,
    private readonly repos: ReposCache,
    private readonly cache: BranchesCache,
    private readonly jobs: GithubJobs,
  ) {}

  async list(row: GithubIntegration, repo: string, { search, limit, offset }: ReposQuery): Promise<BranchesPage> {
    if (row.status === 'deleted') throw githubErrors.installationDeleted();
    const iid = Number(row.installationId);
    const meta = await this.repos.meta(iid);
    if (meta.status === 'deleted') throw githubErrors.installationDeleted();
    const suspended = row.status === 'suspended' || meta.status === 'suspended';
    let entry = await this.cache.get(iid, repo);
    if (!entry) {
      if (suspended) return { branches: [], default_branch: null, has_more: false, total: 0, refreshed_at: null, stale: true };
      entry = await this.coldFill(iid, repo);
    }
    if (entry.missing) throw githubErrors.repositoryNotFound();
    const stale = suspended || Date.now() - entry.synced_at >= this.config.GITHUB_BRANCHES_TTL_S * 1000;
    if (stale && !suspended) {
      this.jobs.refreshBranches(iid, repo, 'low').catch((e: unknown) => this.logger.warn(`Could not enqueue a branches refresh: ${String(e)}`));
    }
    const needle = search.trim().toLowerCase();
    const matches = needle === '' ? entry.branches : entry.branches.filter((b) => b.toLowerCase().includes(needle));
    return {
      branches: matches.slice(offset, offset + limit),
      default_branch: entry.default_branch,
      has_more: offset + limit < matches.length,
      total: matches.length,
      refreshed_at: new Date(entry.synced_at).toISOString(),
      stale,
    };
  }

  private async coldFill(iid: number, repo: string): Promise<BranchesEntry> {
    const start = Date.now();
    await this.jobs.refreshBranches(iid, repo, 'high');
    const entry = await waitUntil(async () => {
      const found = await this.cache.get(iid, repo);
      if (found) return found;
      const meta = await this.repos.meta(iid);
      if (meta.status === 'deleted') throw githubErrors.installationDeleted();
      const failedAt = await this.cache.lastError(iid, repo);
      if (meta.status === 'suspended' || (failedAt ?? 0) >= start || (meta.errAt ?? 0) >= start) throw githubErrors.stillFetching('Branches');
      return undefined;
    }, this.config.GITHUB_COLD_WAIT_MS, this.tuning.pollMs);
    if (!entry) throw githubErrors.stillFetching('Branches');
    return entry;
  }
}
