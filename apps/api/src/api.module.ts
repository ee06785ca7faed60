import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { EmailVerificationLoginService, SecondFactorLoginService, TwoFactorSettingsService, UserBodyService, UserDeletionService, UserUpdateService } from '#libs/accounts';
import { AuthGuard, AuthModule } from '#libs/auth';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { GithubCleanupOnUserDeletion, GithubLoginFromIntegrations, GithubModule } from '#libs/github';
import { LoggingModule } from '#libs/logging';
import { MailAccountNotifier, MailModule } from '#libs/mail';
import { MetricsModule, MetricsServer } from '#libs/metrics';
import { OrganizationsModule } from '#libs/organizations';
import { QueueModule, RedisModule } from '#libs/redis';
import { AccountNotifier, GithubLoginLookup, UserDeletionListener, UsersModule } from '#libs/users';
import { PasskeysController } from './auth/passkeys.controller.js';
import { PasswordResetController } from './auth/password-reset.controller.js';
import { PersonalApiKeysController } from './auth/personal-api-keys.controller.js';
import { SessionController } from './auth/session.controller.js';
import { HealthController } from './health/health.controller.js';
import { GithubBranchesController } from './github/github-branches.controller.js';
import { GithubConnectController } from './github/github-connect.controller.js';
import { GithubReposController } from './github/github-repos.controller.js';
import { GithubWebhookController } from './github/github-webhook.controller.js';
import { IntegrationsController } from './github/integrations.controller.js';
import { ProcessLifecycle, ReadinessProbe } from '#libs/runtime';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { ApiValidationPipe } from './http/validation.pipe.js';
import { RouteMethods } from './http/route-methods.js';
import { OrganizationsController } from './organizations/organizations.controller.js';
import { SignalAutonomyApiModule } from './signal-autonomy/signal-autonomy-api.module.js';
import { UserActionsController } from './users/user-actions.controller.js';
import { EmailVerificationController } from './users/email-verification.controller.js';
import { TwoFactorController } from './users/two-factor.controller.js';
import { UsersController } from './users/users.controller.js';

@Module({
  imports: [
    ConfigModule,
    LoggingModule.forService('api'),
    DatabaseModule,
    RedisModule,
    QueueModule,
    AuthModule,
    UsersModule,
    OrganizationsModule,
    SignalAutonomyApiModule,
    GithubModule,
    MailModule,
    MetricsModule,
  ],
  controllers: [
    HealthController,
    SessionController,
    PersonalApiKeysController,
    PasskeysController,
    PasswordResetController,
    UsersController,
    UserActionsController,
    TwoFactorController,
    EmailVerificationController,
    OrganizationsController,
    IntegrationsController,
    GithubReposController,
    GithubConnectController,
    GithubWebhookController,
    GithubBranchesController,
  ],
  providers: [
    { provide: APP_GUARD, useExisting: AuthGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    // The one validation path: every route's zod schemas (docs/architecture.md).
    { provide: APP_PIPE, useClass: ApiValidationPipe },
    RouteMethods,
    // Readiness turns 503 from SIGTERM on (start.ts).
    ProcessLifecycle,
    ReadinessProbe,
    // GET /metrics on METRICS_PORT (off when unset).
    MetricsServer,
    UserBodyService,
    UserUpdateService,
    UserDeletionService,
    TwoFactorSettingsService,
    SecondFactorLoginService,
    EmailVerificationLoginService,
    // The users endpoints' seams, implemented by the GitHub integration.
    { provide: GithubLoginLookup, useExisting: GithubLoginFromIntegrations },
    { provide: UserDeletionListener, useExisting: GithubCleanupOnUserDeletion },
    // Security notices by e-mail (skipped when e-mail is not configured).
    { provide: AccountNotifier, useExisting: MailAccountNotifier },
  ],
})
export class ApiModule {}
