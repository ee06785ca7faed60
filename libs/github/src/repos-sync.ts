import { Injectable } from '@nestjs/common';
import type { GithubOctokit } from './github-client.js';
import { InstallationCalls } from './installation-calls.js';
import { ReposCache, type CachedRepo } from './repos-cache.js';
import type { SyncOutcome } from './sync-outcome.js';

interface GithubRepo {
  id: number;
  name: string;
  full_name: string;
  private: boolean;
  default_branch?: string | null;
  language?: string | null;
  pushed_at?: string | null;
  archived?: boolean;
  permissions?: { push?: boolean };
}

const slim = (r: GithubRepo): CachedRepo => ({
  id: r.id,
  name: r.name,
  full_name: r.full_name,
  private: r.private,
  default_branch: r.default_branch ?? null,
  language: r.language ?? null,
  pushed_at: r.pushed_at ?? null,
  archived: r.archived ?? false,
  can_push: r.permissions?.push ?? false,
});

/**
 * The repos refresh job: every page of `GET /installation/repositories?per_page=100`
 * through Octokit's paginator, page 1 conditional on the stored ETag (a 304 only bumps
 * `refreshed_at`), and the snapshot swapped in only after the sweep completed.
 */
@Injectable()
export class ReposSync {
  constructor(
    private readonly calls: InstallationCalls,
    private readonly cache: ReposCache,
  ) {}

  async run(installationId: number): Promise<SyncOutcome> {
    const meta = await this.cache.meta(installationId);
    // The stored ETag is only worth sending while its snapshot is still there.
    const etag = meta.version && meta.etag ? meta.etag : undefined;
    return this.calls.run(installationId, (octokit) => this.sweep(octokit, installationId, etag), {
      onFailure: async (failure) => {
        if (failure.kind !== 'not_modified') return undefined;
        await this.cache.touch(installationId, meta.version!);
        return { kind: 'done' };
      },
    });
  }

  private async sweep(octokit: GithubOctokit, installationId: number, etag: string | undefined): Promise<void> {
    const repos: CachedRepo[] = [];
    let firstEtag: string | undefined;
    const pages = octokit.paginate.iterator(octokit.rest.apps.listReposAccessibleToInstallation, {
      per_page: 100,
      headers: etag ? { 'if-none-match': etag } : {},
    });
    for await (const page of pages) {
      firstEtag ??= page.headers.etag ?? '';
      for (const repo of page.data as unknown as GithubRepo[]) repos.push(slim(repo));
    }
    await this.cache.replace(installationId, repos, firstEtag);
  }
}
