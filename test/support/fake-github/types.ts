export interface FakeRepoSpec {
  name: string;
  owner?: string;
  private?: boolean;
  archived?: boolean;
  default_branch?: string;
  language?: string | null;
  pushed_at?: string;
  permissions_push?: boolean;
}

export type FaultKind = '5xx' | '401' | 'suspended' | '404' | 'primary-rate-limit' | 'secondary-rate-limit' | 'slow';

export interface FaultSpec {
  kind: FaultKind;
  /** Substring or RegExp matched against the request path (without the query string). */
  path?: string | RegExp;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  delayMs?: number;
  retryAfterS?: number;
  resetInS?: number;
  /** For `5xx`: the status to answer (default 500). */
  status?: number;
}

export type AuthKind = 'app' | 'installation' | 'user' | 'none';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** The credential sent (token or JWT, without the scheme), if any. */
  auth?: string;
  authKind: AuthKind;
  installationId?: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  used: number;
  reset: number;
}

export interface FakeGithub {
  readonly url: string;
  readonly appId: string;
  readonly appSlug: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly privateKeyPem: string;
  readonly webhookSecret: string;
  addInstallation(opts: {
    id: number;
    account: { login: string; id?: number; type?: 'User' | 'Organization' };
    repositorySelection?: 'all' | 'selected';
    repos?: number | FakeRepoSpec[];
  }): void;
  setRepos(installationId: number, repos: number | FakeRepoSpec[]): void;
  setBranches(fullName: string, branches: string[]): void;
  removeRepo(installationId: number, fullName: string): void;
  addUser(opts: { login: string; id?: number; installations?: number[] }): { code: string };
  newCode(login: string): string;
  suspend(installationId: number): void;
  unsuspend(installationId: number): void;
  uninstall(installationId: number): void;
  fault(f: FaultSpec): void;
  failOnPage(page: number, opts?: { times?: number }): void;
  clearFaults(): void;
  /** Every request whose path matches waits `ms` before it is answered, until set again (0: none). */
  latency(path: string | RegExp, ms: number): void;
  readonly calls: RecordedCall[];
  callsTo(pathPart: string | RegExp): number;
  resetCalls(): void;
  readonly tokensMinted: number;
  close(): Promise<void>;
  // Additions beyond the shared contract.
  /** The next refresh-token grant answers 200 `{error: errorCode, …}` (e.g. `bad_refresh_token`). */
  failNextRefresh(errorCode: string): void;
  /** Whether a refresh token is still usable (each is single use: a refresh rotates it). */
  isLiveRefreshToken(token: string): boolean;
  /** The GitHub user signed in on github.com: `/login/oauth/authorize` approves as them (none: `error=access_denied`). */
  signInAs(login: string | undefined): void;
  /** Every `redirect_uri` an approved authorize visit was sent back to. */
  readonly authorizeRedirects: string[];
  /** Makes every installation and user token issued so far answer 401 Bad credentials. */
  expireTokens(): void;
  /** Current primary rate-limit counter of an installation (installation tokens share it, as on GitHub). */
  rateLimit(installationId: number): RateLimitState;
  /** The repositories of an installation as the fake holds them (full names, in listing order). */
  repoNames(installationId: number): string[];
  /** The installation object as GitHub serves it (e.g. to build `installation` webhook payloads). */
  installationJson(installationId: number): Record<string, unknown>;
  /** The full repository object as GitHub serves it (e.g. for `repository` webhook payloads). */
  repoJson(installationId: number, fullName: string): Record<string, unknown>;
  /** `sha256=<hex>` HMAC of a raw webhook body with `webhookSecret` (the X-Hub-Signature-256 value). */
  signWebhook(rawBody: string | Buffer): string;
}

export interface StartFakeGithubOptions {
  appId?: string;
  appSlug?: string;
  /** Installation token lifetime in seconds (GitHub: 3600). */
  tokenTtlS?: number;
  /** User access token lifetime (GitHub: 28800); null: token expiry off (no expires_in, no refresh token). */
  userTokenTtlS?: number | null;
  /** Primary rate limit per installation / user per hour (GitHub: 5000). */
  rateLimit?: number;
}
