// A local stand-in for api.github.com and github.com (one origin serves both), used by the test
// suite through real Octokit over real HTTP. Behaviour follows GitHub's documentation; bodies are
// checked against GitHub's OpenAPI description in test/e2e/github/fake-github.e2e-spec.ts.
import { createHash, createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppJwtVerifier } from './app-jwt.js';
import * as bodies from './bodies.js';
import { FaultBox, type ArmedFault } from './faults.js';
import { FakeModel, type IssuedToken } from './model.js';
import { paginate } from './pagination.js';
import { RateLimiter } from './rate-limit.js';
import type { AuthKind, FakeGithub, RecordedCall, StartFakeGithubOptions } from './types.js';

const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const SECONDARY_DOCS = 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const SUSPENDED = 'This installation has been suspended';
const USER_TOKEN_TTL_S = 8 * 3600;
/** GitHub's descriptions of the refresh-token grant's errors (answered with status 200). */
const REFRESH_ERRORS: Record<string, string> = {
  bad_refresh_token: 'The refresh token passed is incorrect or expired.',
  incorrect_client_credentials: 'The client_id and/or client_secret passed are incorrect.',
  unauthorized_client: 'The GitHub App is not authorized to refresh user tokens.',
  refresh_token_expired: 'The refresh token has expired.',
  server_error: 'An unexpected error occurred.',
};

interface Auth { kind: AuthKind; credential?: string; token?: IssuedToken; jwtError?: string; identity: string }

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  body: string;
  auth: Auth;
  call: RecordedCall;
  /** Extra headers for the answer (rate-limit override from a fault, etc.). */
  headers: Record<string, string>;
}

class Answer {
  constructor(readonly status: number, readonly body?: unknown, readonly headers: Record<string, string> = {}) {}
}

const error = (status: number, message: string, headers: Record<string, string> = {}, docs?: string) =>
  new Answer(status, bodies.githubError(message, status, docs), headers);

const badCredentials = () => error(401, 'Bad credentials');
const notFound = () => error(404, 'Not Found');

const requireApp = (ctx: Ctx): Answer | undefined => {
  if (ctx.auth.kind === 'none') return error(401, 'Requires authentication');
  if (ctx.auth.kind !== 'app') return error(401, 'A JSON web token could not be decoded');
  if (ctx.auth.jwtError) return error(401, ctx.auth.jwtError);
  return undefined;
};

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startFakeGithub(opts: StartFakeGithubOptions = {}): Promise<FakeGithub> {
  const appId = opts.appId ?? '1001';
  const appSlug = opts.appSlug ?? 'posthog-test';
  const clientId = `Iv23li${randomBytes(7).toString('hex')}`;
  const clientSecret = randomBytes(20).toString('hex');
  const webhookSecret = randomBytes(16).toString('hex');
  const tokenTtlS = opts.tokenTtlS ?? 3600;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const verifier = new AppJwtVerifier(privateKeyPem, [appId, clientId]);
  const model = new FakeModel();
  const faults = new FaultBox();
  /** Latency added to every request whose path matches (`latency()`), unlike a `slow` fault which is taken once. */
  let latency: { path: string | RegExp; ms: number } | null = null;
  const limiter = new RateLimiter(opts.rateLimit ?? 5000);
  const calls: RecordedCall[] = [];
  const refreshTokens = new Map<string, string>();
  /** Error codes the next refresh-token grants answer with, in order. */
  const refreshErrors: string[] = [];
  const userTokenTtlS = opts.userTokenTtlS === undefined ? USER_TOKEN_TTL_S : opts.userTokenTtlS;
  const authorizeRedirects: string[] = [];
  /** code → the redirect_uri its authorize step used, which the exchange must repeat. */
  const codeRedirects = new Map<string, string>();
  let signedIn: string | undefined;
  let base = '';

  const authOf = (req: IncomingMessage): Auth => {
    const header = req.headers.authorization ?? '';
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    if (!match) return { kind: 'none', identity: 'anonymous' };
    const credential = match[1]!;
    if (credential.split('.').length === 3) {
      const check = verifier.check(credential);
      return { kind: 'app', credential, identity: `app:${appId}`, jwtError: check.ok ? undefined : check.message };
    }
    const token = model.validToken(credential);
    if (!token) return { kind: credential.startsWith('ghu_') ? 'user' : 'installation', credential, identity: 'anonymous' };
    return token.kind === 'installation'
      ? { kind: 'installation', credential, token, identity: `installation:${token.installationId}` }
      : { kind: 'user', credential, token, identity: `user:${token.login}` };
  };

  // --- authentication requirements -------------------------------------------------------------
  const requireToken = (ctx: Ctx, kind: 'installation' | 'user'): Answer | undefined => {
    if (ctx.auth.kind === 'none') return error(401, 'Requires authentication');
    if (ctx.auth.kind === 'app') return ctx.auth.jwtError ? error(401, ctx.auth.jwtError) : error(403, 'Resource not accessible by integration');
    if (!ctx.auth.token) return badCredentials();
    if (ctx.auth.token.kind !== kind) {
      return kind === 'installation'
        ? error(403, 'You must authenticate with an installation access token in order to list repositories for an installation.')
        : error(403, 'Resource not accessible by integration');
    }
    if (kind === 'installation' && model.live(ctx.auth.token.installationId!)?.suspendedAt) return error(403, SUSPENDED);
    return undefined;
  };

  // --- routes ------------------------------------------------------------------------------------
  const routes: Array<{ method: string; pattern: RegExp; handle: (ctx: Ctx, m: string[]) => Answer }> = [
    {
      method: 'POST', pattern: /^\/app\/installations\/(\d+)\/access_tokens$/,
      handle: (ctx, [, id]) => {
        const denied = requireApp(ctx);
        if (denied) return denied;
        const inst = model.live(Number(id));
        ctx.call.installationId = Number(id);
        if (!inst) return error(404, 'Not Found', {}, 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app');
        if (inst.suspendedAt) return error(403, SUSPENDED);
        const issued = model.issueInstallationToken(inst.id, tokenTtlS);
        return new Answer(201, {
          token: issued.token,
          expires_at: isoSeconds(issued.expiresAt),
          permissions: { ...bodies.INSTALLATION_PERMISSIONS },
          repository_selection: inst.repositorySelection,
        });
      },
    },
    {
      method: 'GET', pattern: /^\/app\/installations\/(\d+)$/,
      handle: (ctx, [, id]) => {
        const denied = requireApp(ctx);
        if (denied) return denied;
        ctx.call.installationId = Number(id);
        const inst = model.live(Number(id));
        return inst ? new Answer(200, bodies.installation(base, { appId, appSlug }, inst)) : notFound();
      },
    },
    {
      method: 'DELETE', pattern: /^\/app\/installations\/(\d+)$/,
      handle: (ctx, [, id]) => {
        const denied = requireApp(ctx);
        if (denied) return denied;
        ctx.call.installationId = Number(id);
        const inst = model.live(Number(id));
        if (!inst) return notFound();
        inst.deleted = true;
        return new Answer(204);
      },
    },
    {
      method: 'GET', pattern: /^\/installation\/repositories$/,
      handle: (ctx) => {
        const denied = requireToken(ctx, 'installation');
        if (denied) return denied;
        const inst = model.installation(ctx.auth.token!.installationId!);
        ctx.call.installationId = inst.id;
        const page = paginate(inst.repos, ctx.url);
        if (faults.takePageFailure(page.page)) return error(500, 'Server Error');
        return new Answer(200, {
          total_count: inst.repos.length,
          repository_selection: inst.repositorySelection,
          repositories: page.items.map((r) => bodies.repository(base, r, model.accountFor(inst, r))),
        }, page.link ? { link: page.link } : {});
      },
    },
    {
      method: 'GET', pattern: /^\/repos\/([^/]+)\/([^/]+)\/branches$/,
      handle: (ctx, [, owner, name]) => {
        const found = repoFor(ctx, `${owner}/${name}`);
        if (found instanceof Answer) return found;
        const page = paginate(model.branchesOf(found.repo), ctx.url);
        return new Answer(200, page.items.map((b) => bodies.branch(base, found.repo, b)), page.link ? { link: page.link } : {});
      },
    },
    {
      method: 'GET', pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
      handle: (ctx, [, owner, name]) => {
        const found = repoFor(ctx, `${owner}/${name}`);
        if (found instanceof Answer) return found;
        return new Answer(200, bodies.repository(base, found.repo, model.accountFor(found.inst, found.repo)));
      },
    },
    {
      // The browser's visit to GitHub's authorize page: the signed-in GitHub user (signInAs) approves
      // at once and is sent back to redirect_uri with a single-use code and the state, as GitHub does.
      method: 'GET', pattern: /^\/login\/oauth\/authorize$/,
      handle: (ctx) => {
        const q = ctx.url.searchParams;
        if (q.get('client_id') !== clientId || !q.get('redirect_uri')) return new Answer(404, 'Not Found');
        const back = new URL(q.get('redirect_uri')!);
        if (!signedIn) {
          back.searchParams.set('error', 'access_denied');
        } else {
          const code = model.newCode(signedIn);
          codeRedirects.set(code, q.get('redirect_uri')!);
          back.searchParams.set('code', code);
          authorizeRedirects.push(q.get('redirect_uri')!);
        }
        if (q.get('state')) back.searchParams.set('state', q.get('state')!);
        return new Answer(302, undefined, { location: back.toString() });
      },
    },
    {
      method: 'POST', pattern: /^\/login\/oauth\/access_token$/,
      handle: (ctx) => oauthExchange(ctx),
    },
    {
      method: 'GET', pattern: /^\/user$/,
      handle: (ctx) => {
        const denied = requireToken(ctx, 'user');
        if (denied) return denied;
        return new Answer(200, bodies.privateUser(base, model.users.get(ctx.auth.token!.login!)!));
      },
    },
    {
      method: 'GET', pattern: /^\/user\/installations$/,
      handle: (ctx) => {
        const denied = requireToken(ctx, 'user');
        if (denied) return denied;
        const all = model.installationsOf(ctx.auth.token!.login!);
        const page = paginate(all, ctx.url);
        return new Answer(200, {
          total_count: all.length,
          installations: page.items.map((i) => bodies.installation(base, { appId, appSlug }, i)),
        }, page.link ? { link: page.link } : {});
      },
    },
    {
      method: 'GET', pattern: /^\/user\/installations\/(\d+)\/repositories$/,
      handle: (ctx, [, id]) => {
        const denied = requireToken(ctx, 'user');
        if (denied) return denied;
        const inst = model.installationsOf(ctx.auth.token!.login!).find((i) => i.id === Number(id));
        if (!inst) return notFound();
        ctx.call.installationId = inst.id;
        const page = paginate(inst.repos, ctx.url);
        return new Answer(200, {
          total_count: inst.repos.length,
          repository_selection: inst.repositorySelection,
          repositories: page.items.map((r) => bodies.repository(base, r, model.accountFor(inst, r))),
        }, page.link ? { link: page.link } : {});
      },
    },
  ];

  /** The repository as the caller's token can see it: the installation's own, or a user's installations'. */
  const repoFor = (ctx: Ctx, fullName: string) => {
    if (ctx.auth.kind === 'user' && ctx.auth.token) {
      for (const inst of model.installationsOf(ctx.auth.token.login!)) {
        const repo = model.findRepo(inst.id, fullName);
        if (repo) return { inst, repo };
      }
      return notFound();
    }
    const denied = requireToken(ctx, 'installation');
    if (denied) return denied;
    const inst = model.installation(ctx.auth.token!.installationId!);
    ctx.call.installationId = inst.id;
    const repo = model.findRepo(inst.id, fullName);
    return repo ? { inst, repo } : notFound();
  };

  const oauthExchange = (ctx: Ctx): Answer => {
    const type = String(ctx.req.headers['content-type'] ?? '');
    let params: Record<string, string> = {};
    if (type.includes('application/json')) {
      try {
        params = JSON.parse(ctx.body || '{}') as Record<string, string>;
      } catch {
        params = {};
      }
    } else {
      params = Object.fromEntries(new URLSearchParams(ctx.body));
    }
    for (const [k, v] of ctx.url.searchParams) params[k] ??= v;
    const wantsJson = String(ctx.req.headers.accept ?? '').includes('application/json');
    const answer = (payload: Record<string, string | number>) =>
      wantsJson
        ? new Answer(200, payload)
        : new Answer(200, new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)])).toString(),
          { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    const oauthError = (code: string, description: string) =>
      answer({ error: code, error_description: description, error_uri: `https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#${code.replaceAll('_', '-')}` });
    if (params.client_id !== clientId || params.client_secret !== clientSecret) {
      return oauthError('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    }
    let login: string | undefined;
    if (params.grant_type === 'refresh_token') {
      const armed = refreshErrors.shift();
      if (armed) return oauthError(armed, REFRESH_ERRORS[armed] ?? 'The refresh could not be completed.');
      login = refreshTokens.get(params.refresh_token ?? '');
      refreshTokens.delete(params.refresh_token ?? '');
      if (!login) return oauthError('bad_refresh_token', 'The refresh token passed is incorrect or expired.');
    } else {
      const expected = codeRedirects.get(params.code ?? '');
      if (expected !== undefined && params.redirect_uri !== expected) {
        return oauthError('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
      }
      login = model.consumeCode(params.code ?? '');
      if (!login) return oauthError('bad_verification_code', 'The code passed is incorrect or expired.');
    }
    if (userTokenTtlS === null) {
      // Token expiry off on the App: a non-expiring token, no refresh token, no expiries.
      const issued = model.issueUserToken(login, 10 * 365 * 24 * 3600);
      return answer({ access_token: issued.token, token_type: 'bearer', scope: '' });
    }
    const issued = model.issueUserToken(login, userTokenTtlS);
    const refreshToken = `ghr_${randomBytes(40).toString('base64url').slice(0, 76)}`;
    refreshTokens.set(refreshToken, login);
    return answer({
      access_token: issued.token,
      expires_in: userTokenTtlS,
      refresh_token: refreshToken,
      refresh_token_expires_in: 15_811_200,
      token_type: 'bearer',
      scope: '',
    });
  };

  // --- faults ------------------------------------------------------------------------------------
  const faultAnswer = (ctx: Ctx, fault: ArmedFault): Answer => {
    const installationId = ctx.auth.token?.installationId ?? Number(/installations\/(\d+)/.exec(ctx.url.pathname)?.[1] ?? 0);
    switch (fault.kind) {
      case '5xx':
        return new Answer(fault.status ?? 500, { message: 'Server Error' });
      case '401':
        return badCredentials();
      case 'suspended':
        return error(403, SUSPENDED);
      case '404':
        return notFound();
      case 'primary-rate-limit': {
        const state = limiter.peek(ctx.auth.identity);
        const reset = Math.floor(Date.now() / 1000) + (fault.resetInS ?? 2);
        const who = ctx.auth.token?.kind === 'user' ? `user ID ${model.users.get(ctx.auth.token.login!)?.id}` : `installation ID ${installationId}`;
        return error(fault.status ?? 403, `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID ${ctx.headers['x-github-request-id']} and timestamp ${new Date().toISOString()}.`, {
          ...limiter.headers({ ...state, remaining: 0, used: state.limit, reset }),
        }, RATE_LIMIT_DOCS);
      }
      case 'secondary-rate-limit':
        return error(fault.status ?? 403, `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${ctx.headers['x-github-request-id']}.`, {
          'retry-after': String(fault.retryAfterS ?? 1),
        }, SECONDARY_DOCS);
      case 'slow':
        throw new Error('slow is not an answer');
    }
  };

  // --- the HTTP layer ----------------------------------------------------------------------------
  const respond = (ctx: Ctx, answer: Answer): void => {
    const { res, req } = ctx;
    let status = answer.status;
    const headers: Record<string, string> = { ...ctx.headers };
    const isJson = answer.body !== undefined && typeof answer.body !== 'string';
    const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    if (status === 200 && ctx.method === 'GET' && isJson) {
      // Weak ETag over the body and the credential: GitHub's ETags are token-specific.
      const etag = `W/"${createHash('sha256').update(ctx.auth.credential ?? '').update('\0').update(payload).digest('hex')}"`;
      headers.etag = etag;
      const ifNoneMatch = String(req.headers['if-none-match'] ?? '');
      if (ifNoneMatch && ifNoneMatch.split(',').map((s) => s.trim()).includes(etag)) status = 304;
    }
    const rateHeaders = answer.headers['x-ratelimit-remaining'] !== undefined
      ? {}
      : limiter.headers(status === 304 ? limiter.peek(ctx.auth.identity) : limiter.spend(ctx.auth.identity));
    Object.assign(headers, rateHeaders, answer.headers);
    if (status !== 304 && status !== 204 && payload !== '') {
      headers['content-type'] ??= isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
    }
    if (status === 200 && ctx.method === 'GET' && !headers['cache-control']) headers['cache-control'] = 'private, max-age=60, s-maxage=60';
    ctx.call.status = status;
    calls.push(ctx.call);
    res.writeHead(status, headers);
    res.end(status === 304 || status === 204 ? undefined : payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    const body = await readBody(req);
    const auth = authOf(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const ctx: Ctx = {
      req, res, url, method, body, auth,
      call: { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, auth: auth.credential, authKind: auth.kind },
      headers: {
        'x-github-request-id': `${randomBytes(2).toString('hex').toUpperCase()}:${randomBytes(3).toString('hex').toUpperCase()}:${randomBytes(4).toString('hex').toUpperCase()}`,
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
      },
    };
    if (auth.token?.installationId) ctx.call.installationId = auth.token.installationId;
    if (latency && (typeof latency.path === 'string' ? url.pathname.includes(latency.path) : latency.path.test(url.pathname))) await sleep(latency.ms);
    let fault = faults.take(url.pathname);
    while (fault?.kind === 'slow') {
      await sleep(fault.delayMs ?? 1000);
      fault = faults.take(url.pathname);
    }
    if (fault) return respond(ctx, faultAnswer(ctx, fault));
    for (const route of routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(url.pathname);
      if (m) return respond(ctx, route.handle(ctx, [...m].map((s) => decodeURIComponent(s))));
    }
    respond(ctx, notFound());
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: `fake GitHub crashed: ${String(err)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeGithub = {
    url: base, appId, appSlug, clientId, clientSecret, privateKeyPem, webhookSecret,
    addInstallation: (o) => model.addInstallation(o),
    setRepos: (id, repos) => model.setRepos(id, repos),
    setBranches: (fullName, branches) => model.setBranches(fullName, branches),
    removeRepo: (id, fullName) => model.removeRepo(id, fullName),
    addUser: (o) => model.addUser(o),
    newCode: (login) => model.newCode(login),
    suspend: (id) => {
      model.installation(id).suspendedAt = isoSeconds(Date.now());
    },
    unsuspend: (id) => {
      model.installation(id).suspendedAt = null;
    },
    uninstall: (id) => {
      model.installation(id).deleted = true;
    },
    fault: (f) => faults.add(f),
    failOnPage: (page, o) => faults.failOnPage(page, o?.times ?? 1),
    clearFaults: () => faults.clear(),
    latency: (path, ms) => {
      latency = ms > 0 ? { path, ms } : null;
    },
    calls,
    callsTo: (part) => calls.filter((c) => (typeof part === 'string' ? c.path.includes(part) : part.test(c.path))).length,
    resetCalls: () => {
      calls.length = 0;
    },
    get tokensMinted() {
      return model.tokensMinted;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
    expireTokens: () => model.expireTokens(),
    failNextRefresh: (errorCode) => {
      refreshErrors.push(errorCode);
    },
    isLiveRefreshToken: (token) => refreshTokens.has(token),
    signInAs: (login) => {
      signedIn = login;
    },
    authorizeRedirects,
    rateLimit: (id) => ({ ...limiter.peek(`installation:${id}`) }),
    repoNames: (id) => model.installation(id).repos.map((r) => r.fullName),
    installationJson: (id) => bodies.installation(base, { appId, appSlug }, model.installation(id)),
    repoJson: (id, fullName) => {
      const inst = model.installation(id);
      const repo = inst.repos.find((r) => r.fullName.toLowerCase() === fullName.toLowerCase());
      if (!repo) throw new Error(`fake GitHub: installation ${id} has no ${fullName}`);
      return bodies.repository(base, repo, model.accountFor(inst, repo));
    },
    signWebhook: (raw) => `sha256=${createHmac('sha256', webhookSecret).update(raw).digest('hex')}`,
  };
  return fake;
}

