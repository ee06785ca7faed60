import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { REDIS } from '#libs/redis';
import { cacheKeys } from './cache-keys.js';
import { GithubClient } from './github-client.js';
import { githubErrors } from './github-errors.js';
import { GithubJobs } from './github-jobs.js';
import { IntegrationsService } from './integrations.service.js';
import { ReposCache } from './repos-cache.js';

const STATE_TTL_S = 600;

export interface CallbackQuery {
  installation_id?: unknown;
  setup_action?: unknown;
  code?: unknown;
  state?: unknown;
}

type LinkError = 'invalid_state' | 'missing_params' | 'installation_not_authorized' | 'github_unavailable';

class LinkFailed extends Error {
  constructor(readonly reason: LinkError) {
    super(reason);
  }
}

interface GithubInstallation {
  id: number;
  account: { login?: string; id?: number; type?: string; name?: string; slug?: string } | null;
  repository_selection?: string;
  suspended_at?: string | null;
}

/**
 * The connect flow (SPEC §4.1): a single-use `state` bound to the user, then on GitHub's callback the
 * code exchange, `GET /user`, and the check that the claimed installation is really among the
 * user's (`GET /user/installations`, every page) — the `installation_id` parameter is never trusted.
 * The user token is used for those two calls only and never stored.
 */
@Injectable()
export class ConnectService {
  private readonly logger = new Logger('ConnectService');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly client: GithubClient,
    private readonly integrations: IntegrationsService,
    private readonly cache: ReposCache,
    private readonly jobs: GithubJobs,
  ) {}

  async start(userId: number): Promise<{ install_url: string; connect_flow: 'app_install' }> {
    const app = this.client.app;
    if (!app) throw githubErrors.notConfigured();
    const state = randomBytes(32).toString('base64url');
    await this.redis.set(cacheKeys.connectState(state), String(userId), 'EX', STATE_TTL_S);
    const url = `${this.client.webUrl}/apps/${encodeURIComponent(app.slug)}/installations/new?state=${state}`;
    return { install_url: url, connect_flow: 'app_install' };
  }

  /** Where to send the browser back to: the settings page with a success or error flag. */
  async callback(query: CallbackQuery): Promise<string> {
    const back = (param: string) => `${this.config.FRONTEND_URL.replace(/\/+$/, '')}/settings/user?${param}`;
    try {
      await this.link(query);
      return back('github_link_success=1');
    } catch (error) {
      if (error instanceof LinkFailed) return back(`github_link_error=${error.reason}`);
      this.logger.warn(`GitHub connect callback failed: ${error instanceof Error ? error.message : String(error)}`);
      return back('github_link_error=github_unavailable');
    }
  }

  private async link(query: CallbackQuery): Promise<void> {
    const state = typeof query.state === 'string' ? query.state : '';
    // GETDEL: a state works once, whatever happens next.
    const owner = state ? await this.redis.getdel(cacheKeys.connectState(state)) : null;
    if (!owner) throw new LinkFailed('invalid_state');
    const code = typeof query.code === 'string' ? query.code : '';
    const rawId = typeof query.installation_id === 'string' ? query.installation_id : '';
    if (!code || !/^[1-9]\d{0,15}$/.test(rawId)) throw new LinkFailed('missing_params');
    const installationId = Number(rawId);
    if (!this.client.app) throw new LinkFailed('github_unavailable');

    const token = await this.client.exchangeCode(code);
    if (!token) throw new LinkFailed('installation_not_authorized');
    const asUser = this.client.userClient(token);
    const { data: githubUser } = await asUser.rest.users.getAuthenticated();
    const visible = (await asUser.paginate(asUser.rest.apps.listInstallationsForAuthenticatedUser, { per_page: 100 })) as unknown as GithubInstallation[];
    if (!visible.some((i) => i.id === installationId)) throw new LinkFailed('installation_not_authorized');

    const { data } = await this.client.appClient().rest.apps.getInstallation({ installation_id: installationId });
    const installation = data as unknown as GithubInstallation;
    const account = installation.account ?? {};
    const suspended = Boolean(installation.suspended_at);
    await this.integrations.link({
      userId: Number(owner),
      installationId,
      account: { type: account.type ?? 'Organization', login: account.login ?? account.slug ?? '', id: account.id ?? 0 },
      repositorySelection: installation.repository_selection ?? null,
      githubUser: { login: githubUser.login, id: githubUser.id },
      status: suspended ? 'suspended' : 'active',
    });
    await this.cache.setStatus(installationId, suspended ? 'suspended' : 'active');
    if (!suspended) await this.jobs.refreshRepos(installationId, 'high');
  }
}
