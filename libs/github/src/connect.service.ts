import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { validationError } from '#libs/core';
import { REDIS, type RedisClient } from '#libs/redis';
import { cacheKeys } from './cache-keys.js';
import { classifyGithubError } from './github-failure.js';
import { GithubClient, type UserTokenGrant } from './github-client.js';
import { githubErrors } from './github-errors.js';
import { GithubJobs } from './github-jobs.js';
import { IntegrationsService, type UserTokens } from './integrations.service.js';
import { ReposCache } from './repos-cache.js';
import { UserTokensService } from './user-tokens.js';

const STATE_TTL_S = 600;
const INSTALLATION_ID_RE = /^[1-9][0-9]{0,19}$/;

/**
 * The query GitHub's redirect carries. Every value is taken as sent: the callback never answers
 * 400, a bad or missing value is a redirect with `github_link_error` (docs/api.md).
 */
const fromGithub = (description: string) => z.unknown().optional().meta({ type: 'string', description });
export const callbackQuerySchema = z.object({
  installation_id: fromGithub('The installation GitHub set up or updated.'),
  setup_action: fromGithub('`install`, `update` or `request`.'),
  code: fromGithub("The OAuth code of GitHub's user authorization."),
  state: fromGithub('The state this service sent.'),
  error: fromGithub('Set by GitHub when the user declined.'),
});
export type CallbackQuery = z.output<typeof callbackQuerySchema>;

/** `install`: from `start`; `discover`: the OAuth detour; `update`: from `prepare_callback`. */
type Flow = 'install' | 'discover' | 'update';
interface StateRecord {
  userId: number;
  flow: Flow;
  installationId?: number;
}

type LinkError =
  | 'access_denied' | 'github_oauth_error' | 'invalid_state' | 'missing_params' | 'exchange_failed' | 'invalid_installation_id'
  | 'installation_not_authorized' | 'installation_verify_failed' | 'installation_fetch_failed' | 'installation_token_failed'
  | 'invalid_installation' | 'github_unavailable';

class LinkFailed extends Error {
  constructor(readonly reason: LinkError) {
    super(reason);
  }
}

/** Where the callback sends the browser: the frontend (with a flag) or on through GitHub. */
export type CallbackOutcome = { kind: 'login'; url: string } | { kind: 'redirect'; url: string };

interface GithubInstallation {
  id: number;
  account: { login?: string; id?: number; type?: string; name?: string; slug?: string } | null;
  repository_selection?: string;
  suspended_at?: string | null;
}

/**
 * The connect flow (docs/api.md): single-use states bound to the user, and a callback that needs that
 * user's browser session. The claimed installation is proved with the user's own token (GitHub's
 * listing of the user's installations); the user tokens are kept sealed with SecretBox, never shown.
 */
@Injectable()
export class ConnectService {
  private readonly logger = new Logger('ConnectService');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly client: GithubClient,
    private readonly integrations: IntegrationsService,
    private readonly cache: ReposCache,
    private readonly jobs: GithubJobs,
    private readonly userTokens: UserTokensService,
  ) {}

  async start(userId: number): Promise<{ install_url: string; connect_flow: 'app_install' }> {
    if (!this.client.app) throw githubErrors.notConfigured();
    if (await this.everythingLinked(userId)) throw githubErrors.allLinked();
    return { install_url: await this.installUrl(userId), connect_flow: 'app_install' };
  }

  /**
   * Whether every installation the user's GitHub account can reach is already linked (page 1 of
   * GitHub's listing, as PostHog). Anything uncertain (no stored token, GitHub failing) is "no":
   * the install URL is the safe answer.
   */
  private async everythingLinked(userId: number): Promise<boolean> {
    try {
      const token = await this.userTokens.usableToken(userId);
      if (!token) return false;
      const { data } = await this.client.userClient(token).rest.apps.listInstallationsForAuthenticatedUser({ per_page: 100, request: { retries: 0 } });
      const listed = (data as { installations?: Array<{ id?: unknown }> }).installations;
      if (!Array.isArray(listed)) return false;
      const linked = new Set(await this.integrations.installationIdsOf(userId));
      return listed.every((i) => linked.has(String(i.id)));
    } catch (error) {
      this.logger.warn(`Skipped the already-linked check: ${classifyGithubError(error).kind}`);
      return false;
    }
  }

  /**
   * Seeds a state for GitHub's "Configure" return (`setup_action=update`, no code, no state): the
   * callback then re-reads that installation for the user's existing row.
   */
  async prepareCallback(userId: number, raw: string): Promise<void> {
    if (!this.client.app) throw githubErrors.notConfigured();
    if (!INSTALLATION_ID_RE.test(raw)) throw validationError('invalid_input', 'A valid installation id is required.', 'installation_id');
    const token = await this.saveState({ userId, flow: 'update', installationId: Number(raw) });
    await this.redis.set(cacheKeys.connectPending(userId, raw), token, 'EX', STATE_TTL_S);
  }

  /**
   * GitHub's return. `sessionUserId` is the browser session's user (null: none), checked before
   * anything else; `originalUrl` is the callback's path and query, to come back to after login.
   */
  async callback(query: CallbackQuery, sessionUserId: number | null, originalUrl: string, callbackUrl: string): Promise<CallbackOutcome> {
    const frontend = this.config.FRONTEND_URL.replace(/\/+$/, '');
    if (sessionUserId === null) return { kind: 'login', url: `${frontend}/login?next=${encodeURIComponent(originalUrl)}` };
    const back = (param: string): CallbackOutcome => ({ kind: 'redirect', url: `${frontend}/settings/user?${param}` });
    try {
      const onward = await this.link(query, sessionUserId, callbackUrl);
      return onward ? { kind: 'redirect', url: onward } : back('github_link_success=1');
    } catch (error) {
      if (error instanceof LinkFailed) return back(`github_link_error=${error.reason}`);
      this.logger.warn(`GitHub connect callback failed: ${classifyGithubError(error).kind}`);
      return back('github_link_error=github_unavailable');
    }
  }

  /** Links what the callback proves; returns a URL when the browser must go on through GitHub. */
  private async link(query: CallbackQuery, userId: number, callbackUrl: string): Promise<string | null> {
    const githubError = text(query.error);
    if (githubError) throw new LinkFailed(githubError === 'access_denied' ? 'access_denied' : 'github_oauth_error');
    const rawId = text(query.installation_id);
    const code = text(query.code);
    const token = stateToken(text(query.state));
    if (!token) {
      // "Configure" on GitHub comes back with neither code nor state: a pending prepare_callback.
      if (text(query.setup_action) === 'update' && INSTALLATION_ID_RE.test(rawId)) {
        const pending = await this.redis.get(cacheKeys.connectPending(userId, rawId));
        if (pending) {
          const record = await this.consumeState(pending, userId);
          if (record?.flow === 'update') return this.refreshExisting(userId, record.installationId!);
        }
      }
      throw new LinkFailed('missing_params');
    }
    const record = await this.consumeState(token, userId);
    if (!record) throw new LinkFailed('invalid_state');
    if (record.flow === 'update') return this.refreshExisting(userId, record.installationId!);
    if (!code) {
      // The App is already installed on the account: GitHub sends `setup_action=update` and no code.
      // Ask GitHub who the user is through OAuth, then link what their token can see.
      if (record.flow === 'install' && rawId) return this.authorizeUrl(await this.saveState({ userId, flow: 'discover' }), callbackUrl);
      throw new LinkFailed('missing_params');
    }
    if (record.flow === 'install' && !rawId) throw new LinkFailed('missing_params');
    if (!this.client.app) throw new LinkFailed('github_unavailable');

    const grant = await this.exchange(code, record.flow === 'discover' ? callbackUrl : undefined);
    const asUser = this.client.userClient(grant.access_token);
    let githubUser: { login: string; id: number };
    try {
      githubUser = (await asUser.rest.users.getAuthenticated()).data;
    } catch {
      throw new LinkFailed('exchange_failed');
    }
    const listInstallations = async () =>
      (await asUser.paginate(asUser.rest.apps.listInstallationsForAuthenticatedUser, { per_page: 100 })) as unknown as GithubInstallation[];
    let ids: number[];
    if (record.flow === 'discover') {
      let visible: GithubInstallation[];
      try {
        visible = await listInstallations();
      } catch {
        throw new LinkFailed('installation_fetch_failed');
      }
      if (visible.length === 0) return this.installUrl(userId);
      ids = visible.map((i) => i.id);
    } else {
      if (!INSTALLATION_ID_RE.test(rawId)) throw new LinkFailed('invalid_installation_id');
      let visible: GithubInstallation[];
      try {
        visible = await listInstallations();
      } catch {
        throw new LinkFailed('installation_verify_failed');
      }
      if (!visible.some((i) => String(i.id) === rawId)) throw new LinkFailed('installation_not_authorized');
      ids = [Number(rawId)];
    }
    const tokens = this.sealGrant(grant);
    for (const installationId of ids) await this.linkOne(userId, installationId, { login: githubUser.login, id: githubUser.id }, tokens);
    return null;
  }

  private async exchange(code: string, redirectUri: string | undefined): Promise<UserTokenGrant> {
    let grant: UserTokenGrant | null;
    try {
      grant = await this.client.exchangeCode(code, redirectUri);
    } catch {
      throw new LinkFailed('exchange_failed');
    }
    if (!grant) throw new LinkFailed('exchange_failed');
    return grant;
  }

  private async linkOne(userId: number, installationId: number, githubUser: { login: string; id: number }, tokens: UserTokens): Promise<void> {
    const installation = await this.fetchInstallation(installationId);
    const account = installation.account ?? {};
    const suspended = Boolean(installation.suspended_at);
    // The App must be able to act for the installation (GitHub refuses tokens to a suspended one).
    if (!suspended) await this.mintInstallationToken(installationId);
    await this.integrations.link({
      userId,
      installationId,
      account: { type: account.type ?? 'Organization', login: account.login ?? account.slug ?? '', id: account.id ?? 0 },
      repositorySelection: installation.repository_selection ?? null,
      githubUser,
      status: suspended ? 'suspended' : 'active',
      tokens,
    });
    await this.cache.setStatus(installationId, suspended ? 'suspended' : 'active');
    if (!suspended) await this.jobs.refreshRepos(installationId, 'high');
  }

  /** The `setup_action=update` return: the existing row's account and repository selection, re-read. */
  private async refreshExisting(userId: number, installationId: number): Promise<null> {
    if (!INSTALLATION_ID_RE.test(String(installationId))) throw new LinkFailed('invalid_installation_id');
    const row = await this.integrations.find(userId, installationId);
    if (!row) throw new LinkFailed('invalid_installation');
    const installation = await this.fetchInstallation(installationId);
    const account = installation.account ?? {};
    await this.integrations.refreshDetails(userId, installationId, {
      account: { type: account.type ?? row.account.type, login: account.login ?? account.slug ?? row.account.login, id: account.id ?? row.account.id },
      repositorySelection: installation.repository_selection ?? row.repositorySelection,
    });
    return null;
  }

  private async fetchInstallation(installationId: number): Promise<GithubInstallation> {
    if (!this.client.app) throw new LinkFailed('github_unavailable');
    try {
      const { data } = await this.client.appClient().rest.apps.getInstallation({ installation_id: installationId });
      return data as unknown as GithubInstallation;
    } catch {
      throw new LinkFailed('installation_fetch_failed');
    }
  }

  private async mintInstallationToken(installationId: number): Promise<void> {
    try {
      const auth = (await this.client.installationClient(installationId).auth({ type: 'installation' })) as { token?: unknown };
      if (typeof auth.token !== 'string' || !auth.token) throw new Error('no token');
    } catch {
      throw new LinkFailed('installation_token_failed');
    }
  }

  private sealGrant(grant: UserTokenGrant): UserTokens {
    return this.userTokens.seal(grant);
  }

  private async installUrl(userId: number): Promise<string> {
    const app = this.client.app!;
    const state = await this.saveState({ userId, flow: 'install' });
    return `${this.client.webUrl}/apps/${encodeURIComponent(app.slug)}/installations/new?state=${state}`;
  }

  private authorizeUrl(state: string, callbackUrl: string): string {
    const params = new URLSearchParams({ client_id: this.client.app!.clientId, redirect_uri: callbackUrl, state });
    return `${this.client.webUrl}/login/oauth/authorize?${params}`;
  }

  private async saveState(record: StateRecord): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(cacheKeys.connectState(token), JSON.stringify(record), 'EX', STATE_TTL_S);
    return token;
  }

  /**
   * The state's record when it belongs to `userId`, deleted on the way (single use). Another user's
   * state is left alone: it still works for its owner.
   */
  private async consumeState(token: string, userId: number): Promise<StateRecord | null> {
    const key = cacheKeys.connectState(token);
    const raw = await this.redis.get(key);
    const record = raw ? parseRecord(raw) : null;
    if (!record || record.userId !== userId) return null;
    if ((await this.redis.getdel(key)) === null) return null;
    if (record.flow === 'update' && record.installationId) await this.redis.del(cacheKeys.connectPending(userId, String(record.installationId)));
    return record;
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `state=<t>`, or PostHog's `state=token%3D<t>%26source%3D…` form. */
function stateToken(raw: string): string {
  if (!raw) return '';
  if (raw.includes('=')) return new URLSearchParams(raw).get('token') ?? '';
  return raw;
}

function parseRecord(raw: string): StateRecord | null {
  try {
    const parsed = JSON.parse(raw) as Partial<StateRecord>;
    if (typeof parsed.userId !== 'number' || !['install', 'discover', 'update'].includes(String(parsed.flow))) return null;
    return parsed as StateRecord;
  } catch {
    return null;
  }
}
