import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '#libs/metrics';
import { QueueModule } from '#libs/redis';
import { BranchesCache } from './branches-cache.js';
import { BranchesService } from './branches.service.js';
import { BranchesSync } from './branches-sync.js';
import { ConnectService } from './connect.service.js';
import { GithubClient } from './github-client.js';
import { GithubIntegration } from './github-integration.entity.js';
import { GithubJobs } from './github-jobs.js';
import { DEFAULT_GITHUB_TUNING, GITHUB_TUNING } from './github-tuning.js';
import { InstallationCalls } from './installation-calls.js';
import { InstallationState } from './installation-state.js';
import { InstallationTokenCache } from './installation-token-cache.js';
import { IntegrationsService } from './integrations.service.js';
import { ReposCache } from './repos-cache.js';
import { ReposService } from './repos.service.js';
import { ReposSync } from './repos-sync.js';
import { StaleSweep } from './stale-sweep.js';
import { UserTokensService } from './user-tokens.js';
import { WebhookHandler } from './webhook-handler.js';
import { WebhooksService } from './webhooks.service.js';
import { GithubCleanupOnUserDeletion, GithubLoginFromIntegrations } from './user-seams.js';

const services = [
  GithubClient,
  InstallationTokenCache,
  ReposCache,
  GithubJobs,
  IntegrationsService,
  InstallationState,
  ReposService,
  ReposSync,
  StaleSweep,
  ConnectService,
  UserTokensService,
  GithubLoginFromIntegrations,
  GithubCleanupOnUserDeletion,
  WebhooksService,
  WebhookHandler,
  InstallationCalls,
  BranchesCache,
  BranchesSync,
  BranchesService,
];

@Module({
  imports: [TypeOrmModule.forFeature([GithubIntegration]), QueueModule, MetricsModule],
  providers: [{ provide: GITHUB_TUNING, useValue: DEFAULT_GITHUB_TUNING }, ...services],
  exports: [GITHUB_TUNING, ...services],
})
export class GithubModule {}
