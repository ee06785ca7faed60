import { Injectable, Logger } from '@nestjs/common';
import { classifyGithubError, isTokenMint, type GithubFailure } from './github-failure.js';
import { GithubClient, type GithubOctokit } from './github-client.js';
import { InstallationState } from './installation-state.js';
import { InstallationTokenCache } from './installation-token-cache.js';
import { ReposCache } from './repos-cache.js';
import type { SyncOutcome } from './sync-outcome.js';

export interface CallHandlers {
  /** A failure the job handles itself (304, a repository's 404); return undefined to fall through. */
  onFailure?: (failure: GithubFailure, error: unknown) => Promise<SyncOutcome | undefined>;
  /** Where to record a failure other than a rate limit (default: the installation's repos error). */
  recordUnavailable?: () => Promise<void>;
}

/**
 * Runs one job's GitHub work as an installation, with the rules every job shares: no call
 * for deleted or suspended installations or before a rate-limit reset; a 401 drops the shared token
 * and tries once more; 404 on token mint → deleted; "suspended" → suspended; rate limits → delay.
 */
@Injectable()
export class InstallationCalls {
  private readonly logger = new Logger('InstallationCalls');

  constructor(
    private readonly client: GithubClient,
    private readonly cache: ReposCache,
    private readonly tokens: InstallationTokenCache,
    private readonly state: InstallationState,
  ) {}

  async run(installationId: number, work: (octokit: GithubOctokit) => Promise<void>, handlers: CallHandlers = {}): Promise<SyncOutcome> {
    const meta = await this.cache.meta(installationId);
    if (meta.status === 'deleted') return { kind: 'stop', reason: 'installation deleted' };
    if (meta.status === 'suspended') return { kind: 'stop', reason: 'installation suspended' };
    if (meta.blockedUntil && meta.blockedUntil > Date.now()) return { kind: 'delay', untilMs: meta.blockedUntil };
    let failure: GithubFailure | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await work(this.client.installationClient(installationId));
        return { kind: 'done' };
      } catch (error) {
        failure = classifyGithubError(error);
        const handled = await handlers.onFailure?.(failure, error);
        if (handled) return handled;
        if (failure.kind === 'not_found' && isTokenMint(error)) {
          await this.state.deleted(installationId);
          return { kind: 'stop', reason: 'installation deleted on GitHub' };
        }
        if (failure.kind !== 'unauthorized' || attempt > 0) break;
        // An expired or revoked shared token: mint a new one once.
        await this.tokens.drop(installationId);
      }
    }
    switch (failure!.kind) {
      case 'suspended':
        await this.state.suspended(installationId);
        return { kind: 'stop', reason: 'installation suspended' };
      case 'rate_limited':
        await this.cache.recordError(installationId, 'github_rate_limited', failure!.retryAfterS);
        return { kind: 'delay', untilMs: Date.now() + failure!.retryAfterS * 1000 };
      default:
        this.logger.warn(`GitHub call for installation ${installationId} failed: ${failure!.kind}`);
        await (handlers.recordUnavailable ?? (() => this.cache.recordError(installationId, 'github_unavailable')))();
        return { kind: 'retry', reason: `GitHub ${failure!.kind}` };
    }
  }
}
