/** Personal GitHub integrations: rows, the GitHub client, the Redis cache, job producers and the sync logic. */
export { GithubModule } from './github.module.js';
export { GithubIntegration, type GithubAccount, type GithubUserRef, type InstallationStatus } from './github-integration.entity.js';
export { GithubClient } from './github-client.js';
export { GITHUB_TUNING, DEFAULT_GITHUB_TUNING, type GithubTuning } from './github-tuning.js';
export { GithubJobs, type RefreshBranchesData, type RefreshReposData, type WebhookData } from './github-jobs.js';
export { IntegrationsService } from './integrations.service.js';
export { ConnectService, type CallbackQuery } from './connect.service.js';
export { GithubCleanupOnUserDeletion, GithubLoginFromIntegrations } from './user-seams.js';
export { WebhooksService } from './webhooks.service.js';
export { WebhookHandler } from './webhook-handler.js';
export { InstallationState } from './installation-state.js';
export { ReposCache, type CachedRepo, type InstallationMeta } from './repos-cache.js';
export { ReposService, type RefreshResult, type ReposPage, type ReposQuery } from './repos.service.js';
export { ReposSync } from './repos-sync.js';
export { StaleSweep, jitteredTtlMs } from './stale-sweep.js';
export type { SyncOutcome } from './sync-outcome.js';
export { githubErrors } from './github-errors.js';
export { cacheKeys } from './cache-keys.js';
