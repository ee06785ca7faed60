import { Inject, Injectable } from '@nestjs/common';
import { BranchesCache } from './branches-cache.js';
import type { GithubOctokit } from './github-client.js';
import { GITHUB_TUNING, type GithubTuning } from './github-tuning.js';
import { InstallationCalls } from './installation-calls.js';
import type { SyncOutcome } from './sync-outcome.js';

/** Default branch first, then the rest by name. */
export function orderBranches(names: string[], defaultBranch: string | null): string[] {
  const rest = names.filter((n) => n !== defaultBranch).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return defaultBranch !== null && names.includes(defaultBranch) ? [defaultBranch, ...rest] : rest;
}

/**
 * The branches refresh job: every page of `GET /repos/{o}/{r}/branches`, the default
 * branch from `GET /repos/{o}/{r}` (cached 6 h). A repository the installation cannot see (404)
 * is remembered as such, so the API answers 404 from the cache.
 */
@Injectable()
export class BranchesSync {
  constructor(
    @Inject(GITHUB_TUNING) private readonly tuning: GithubTuning,
    private readonly calls: InstallationCalls,
    private readonly cache: BranchesCache,
  ) {}

  run(installationId: number, repo: string): Promise<SyncOutcome> {
    return this.calls.run(installationId, (octokit) => this.sweep(octokit, installationId, repo), {
      onFailure: async (failure, error) => {
        const mint = /access_tokens/.test((error as { request?: { url?: string } })?.request?.url ?? '');
        if (failure.kind !== 'not_found' || mint) return undefined;
        await this.cache.put(installationId, repo, { missing: true, synced_at: Date.now() });
        return { kind: 'done' };
      },
      recordUnavailable: () => this.cache.recordError(installationId, repo),
    });
  }

  private async sweep(octokit: GithubOctokit, installationId: number, fullName: string): Promise<void> {
    const [owner, repo] = fullName.split('/') as [string, string];
    let defaultBranch = await this.cache.defaultBranch(installationId, fullName);
    if (defaultBranch === null) {
      const { data } = await octokit.rest.repos.get({ owner, repo });
      defaultBranch = data.default_branch;
      await this.cache.setDefaultBranch(installationId, fullName, defaultBranch, this.tuning.defaultBranchTtlS);
    }
    const branches = await octokit.paginate(octokit.rest.repos.listBranches, { owner, repo, per_page: 100 });
    await this.cache.put(installationId, fullName, {
      missing: false,
      branches: orderBranches(branches.map((b) => b.name), defaultBranch),
      default_branch: defaultBranch,
      synced_at: Date.now(),
    });
  }
}
