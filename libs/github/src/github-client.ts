import { Inject, Injectable, Logger } from '@nestjs/common';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { Metrics, githubRouteLabel } from '#libs/metrics';
import { GITHUB_TUNING, type GithubTuning } from './github-tuning.js';
import { InstallationTokenCache } from './installation-token-cache.js';

/**
 * Counts every request GitHub answers (`github_requests_total`, `github_rate_limit_remaining`). Put
 * before throttling and retry so it sees each attempt they make (rate-limit use is per attempt);
 * Octokit's auth hook sits inside it, so installation token mints are counted too.
 */
function githubMetrics(octokit: Pick<Octokit, 'hook'>, options: { metrics?: Metrics; baseUrl?: string }) {
  const metrics = options.metrics;
  if (!metrics) return;
  type Answer = { status?: number; headers?: Record<string, unknown> };
  const record = (opts: { method?: string; url?: string; baseUrl?: string }, answer: Answer | undefined) => {
    const remaining = answer?.headers?.['x-ratelimit-remaining'];
    metrics.githubRequest(githubRouteLabel(opts.method, opts.url, opts.baseUrl ?? options.baseUrl), answer?.status, remaining === undefined ? undefined : Number(remaining));
  };
  octokit.hook.wrap('request', async (request, opts) => {
    try {
      const response = await request(opts);
      record(opts, response);
      return response;
    } catch (error) {
      const e = error as { status?: number; response?: Answer };
      record(opts, e.response ?? (typeof e.status === 'number' ? { status: e.status } : undefined));
      throw error;
    }
  });
}

const GithubOctokit = Octokit.plugin(githubMetrics, throttling, retry);
export type GithubOctokit = InstanceType<typeof GithubOctokit>;

/** A token endpoint answer with tokens (expiries absent when the App has token expiry off). */
export interface UserTokenGrant {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  refresh_token_expires_in?: number;
}

export interface GithubAppSettings {
  appId: string;
  privateKey: string;
  clientId: string;
  clientSecret: string;
  slug: string;
}

/**
 * Builds Octokit clients (REST + auth-app + throttling + retry) against the configured GitHub
 * (GITHUB_API_URL / GITHUB_WEB_URL, so GitHub Enterprise Server works by configuration).
 *
 * Rate limits are never waited out inside a request: the throttling handlers decline, the error
 * reaches the caller, and a job is delayed until the reset instead of holding a worker.
 */
@Injectable()
export class GithubClient {
  private readonly logger = new Logger('GithubClient');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GITHUB_TUNING) private readonly tuning: GithubTuning,
    private readonly tokens: InstallationTokenCache,
    private readonly metrics: Metrics,
  ) {}

  /** The App's settings, or undefined when any of them is missing. */
  get app(): GithubAppSettings | undefined {
    const c = this.config;
    if (!c.GITHUB_APP_ID || !c.GITHUB_APP_PRIVATE_KEY || !c.GITHUB_APP_CLIENT_ID || !c.GITHUB_APP_CLIENT_SECRET || !c.GITHUB_APP_SLUG) return undefined;
    return { appId: c.GITHUB_APP_ID, privateKey: c.GITHUB_APP_PRIVATE_KEY, clientId: c.GITHUB_APP_CLIENT_ID, clientSecret: c.GITHUB_APP_CLIENT_SECRET, slug: c.GITHUB_APP_SLUG };
  }

  get webUrl(): string {
    return this.config.GITHUB_WEB_URL.replace(/\/+$/, '');
  }

  /** Authenticated as the App (JWT) for `/app/...` routes. */
  appClient(): GithubOctokit {
    return this.build(this.appAuth());
  }

  /** Authenticated as one installation; its token is shared through Redis. */
  installationClient(installationId: number): GithubOctokit {
    return this.build({ ...this.appAuth(), auth: { ...this.appAuth().auth, installationId } });
  }

  /** Authenticated as a user (user-to-server token), used only in the connect flow. */
  userClient(token: string): GithubOctokit {
    return this.build({ auth: token });
  }

  /**
   * Exchanges an OAuth `code` for user tokens at `<GITHUB_WEB_URL>/login/oauth/access_token`
   * (`redirect_uri` must repeat the one the authorize step used). GitHub answers 200 with an `error`
   * field for a bad code, so only a body with `access_token` counts.
   */
  async exchangeCode(code: string, redirectUri?: string): Promise<UserTokenGrant | null> {
    const data = await this.tokenEndpoint({ code, ...(redirectUri ? { redirect_uri: redirectUri } : {}) });
    return typeof data.access_token === 'string' && data.access_token !== '' ? (data as unknown as UserTokenGrant) : null;
  }

  /** GitHub's refresh-token grant: new tokens, or the body's `error` code (GitHub answers 200 either way). */
  async refreshUserToken(refreshToken: string): Promise<UserTokenGrant | { error: string }> {
    const data = await this.tokenEndpoint({ grant_type: 'refresh_token', refresh_token: refreshToken });
    if (typeof data.access_token === 'string' && data.access_token !== '') return data as unknown as UserTokenGrant;
    return { error: typeof data.error === 'string' ? data.error : 'unknown_error' };
  }

  private async tokenEndpoint(params: Record<string, string>): Promise<Record<string, unknown>> {
    const app = this.requireApp();
    const { data } = await this.build({}).request('POST /login/oauth/access_token', {
      baseUrl: this.webUrl,
      headers: { accept: 'application/json' },
      client_id: app.clientId,
      client_secret: app.clientSecret,
      ...params,
      request: { retries: 0 },
    });
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  }

  private requireApp(): GithubAppSettings {
    const app = this.app;
    if (!app) throw new Error('GitHub App is not configured.');
    return app;
  }

  private appAuth() {
    const app = this.requireApp();
    return { authStrategy: createAppAuth, auth: { appId: app.appId, privateKey: app.privateKey, cache: this.tokens } as Record<string, unknown> };
  }

  private build(auth: { authStrategy?: typeof createAppAuth; auth?: unknown }): GithubOctokit {
    const log = this.logger;
    return new GithubOctokit({
      ...auth,
      baseUrl: this.config.GITHUB_API_URL.replace(/\/+$/, ''),
      userAgent: 'posthog-users-api',
      metrics: this.metrics,
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => log.warn(message),
        // plugin-request-log reports every non-2xx (a 304 too); callers log what matters.
        error: (message: string) => log.debug(message),
      },
      throttle: {
        onRateLimit: () => false,
        onSecondaryRateLimit: () => false,
      },
      retry: {
        retries: this.tuning.requestRetries,
        retryAfterBaseValue: this.tuning.retryBaseMs,
        // 429 is a rate limit: the job layer waits for the reset, plugin-retry must not.
        doNotRetry: [304, 400, 401, 403, 404, 410, 422, 429, 451],
      },
    } as ConstructorParameters<typeof GithubOctokit>[0]);
  }
}
