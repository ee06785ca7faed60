import { Injectable, Logger } from '@nestjs/common';
import { classifyGithubError, isTokenMint, type GithubFailure } from './github-failure.js';
import { GithubClient } from './github-client.js';
import { InstallationState } from './installation-state.js';
import { InstallationTokenCache } from './installation-token-cache.js';
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
 * The repos refresh job (SPEC §5): every page of `GET /installation/repositories?per_page=100`
 * through Octokit's paginator, page 1 conditional on the stored ETag (a 304 only bumps
 * `refreshed_at`), and the snapshot swapped in only after the sweep completed.
 */
@Injectable()
export class ReposSync {
  private readonly logger = new Logger('ReposSync');

  constructor(
    private readonly client: GithubClient,
    private readonly cache: ReposCache,
    private readonly tokens: InstallationTokenCache,
    private readonly state: InstallationState,
  ) {}

  async run(installationId: number): Promise<SyncOutcome> {
    const meta = await this.cache.meta(installationId);
    if (meta.status === 'deleted') return { kind: 'stop', reason: 'installation deleted' };
    if (meta.status === 'suspended') return { kind: 'stop', reason: 'installation suspended' };
    if (meta.blockedUntil && meta.blockedUntil > Date.now()) return { kind: 'delay', untilMs: meta.blockedUntil };
    // The stored ETag is only worth sending while its snapshot is still there.
    const etag = meta.version && meta.etag ? meta.etag : undefined;
    let failure: GithubFailure | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.sweep(installationId, etag);
        return { kind: 'done' };
      } catch (error) {
        failure = classifyGithubError(error);
        if (failure.kind === 'not_modified') {
          await this.cache.touch(installationId, meta.version!);
          return { kind: 'done' };
        }
        if (failure.kind === 'not_found' && isTokenMint(error)) {
          await this.state.deleted(installationId);
          return { kind: 'stop', reason: 'installation deleted on GitHub' };
        }
        // An expired or revoked shared token: mint a new one once.
        if (failure.kind !== 'unauthorized' || attempt > 0) break;
        await this.tokens.drop(installationId);
      }
    }
    return this.failed(installationId, failure!);
  }

  private async sweep(installationId: number, etag: string | undefined): Promise<void> {
    const octokit = this.client.installationClient(installationId);
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

  private async failed(installationId: number, failure: GithubFailure): Promise<SyncOutcome> {
    switch (failure.kind) {
      case 'suspended':
        await this.state.suspended(installationId);
        return { kind: 'stop', reason: 'installation suspended' };
      case 'rate_limited':
        await this.cache.recordError(installationId, 'github_rate_limited', failure.retryAfterS);
        return { kind: 'delay', untilMs: Date.now() + failure.retryAfterS * 1000 };
      default:
        this.logger.warn(`Refreshing repositories of installation ${installationId} failed: ${failure.kind}`);
        await this.cache.recordError(installationId, 'github_unavailable');
        return { kind: 'retry', reason: `GitHub ${failure.kind}` };
    }
  }
}
