// The fake GitHub server used by the GitHub tests. What this file proves: every body the fake sends
// conforms to GitHub's published OpenAPI description (@octokit/openapi) for that operation and status,
// and the fake behaves as GitHub documents (pagination, ETags, rate limits, App JWTs, token expiry,
// faults). It does not prove anything about github.com itself, which no test may reach (last block).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import net from 'node:net';
import { startFakeGithub, type FakeGithub } from '../../support/fake-github/index.js';
import { githubDocumentsStatus, validateAgainstGithubOpenApi } from '../../support/fake-github/openapi-contract.js';

interface Reply { status: number; headers: Headers; body: unknown; text: string }

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function appJwt(privateKeyPem: string, claims: { iss: string; iat?: number; exp?: number }): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iat: claims.iat ?? now - 30, exp: claims.exp ?? now + 570, iss: claims.iss })}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKeyPem).toString('base64url')}`;
}

/** Headers GitHub sends on every REST answer. */
function expectGithubHeaders(reply: Reply): void {
  for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used']) {
    expect(reply.headers.get(h)).toMatch(/^\d+$/);
  }
  expect(reply.headers.get('x-ratelimit-resource')).toBe('core');
  expect(reply.headers.get('x-github-request-id')).toMatch(/^[0-9A-F:]+$/);
  if (reply.text !== '') expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
}

/** The reply has `status` and a body GitHub's OpenAPI description allows for it. */
function expectConforms(method: string, template: string, status: number, reply: Reply): void {
  expect(reply.status).toBe(status);
  expectGithubHeaders(reply);
  validateAgainstGithubOpenApi(method, template, status, reply.body);
  if (status >= 400) {
    // GitHub's "Basic Error" schema requires nothing; its documented shape has both fields.
    expect(reply.body).toEqual(expect.objectContaining({ message: expect.any(String), documentation_url: expect.any(String) }));
  }
}

/** For answers the description does not list for that operation: the documented shape, by hand. */
function expectUndocumentedError(method: string, template: string, status: number, reply: Reply, message: string | RegExp): void {
  expect(githubDocumentsStatus(method, template, status)).toBe(false);
  expect(reply.status).toBe(status);
  expectGithubHeaders(reply);
  expect(reply.body).toEqual(expect.objectContaining({ message: typeof message === 'string' ? message : expect.stringMatching(message) }));
}

const links = (reply: Reply): Record<string, string> =>
  Object.fromEntries([...(reply.headers.get('link') ?? '').matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2]!, m[1]!]));
const pageOf = (href: string | undefined) => (href ? new URL(href).searchParams.get('page') : undefined);

describe('fake GitHub server', () => {
  let gh: FakeGithub;
  let jwt: () => string;

  async function call(method: string, path: string, opts: { auth?: string; scheme?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', ...opts.headers };
    if (opts.auth) headers.authorization = `${opts.scheme ?? 'Bearer'} ${opts.auth}`;
    const res = await fetch(path.startsWith('http') ? path : `${gh.url}${path}`, { method, headers, body: opts.body });
    const text = await res.text();
    let body: unknown = text === '' ? undefined : text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body, text };
  }

  async function mint(installationId: number): Promise<string> {
    const res = await call('POST', `/app/installations/${installationId}/access_tokens`, { auth: jwt() });
    expect(res.status).toBe(201);
    return (res.body as { token: string }).token;
  }

  async function userToken(login: string): Promise<string> {
    const code = gh.newCode(login);
    const res = await call('POST', '/login/oauth/access_token', {
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: gh.clientId, client_secret: gh.clientSecret, code }),
    });
    return (res.body as { access_token: string }).access_token;
  }

  const form = (fields: Record<string, string>, accept = 'application/json') => call('POST', '/login/oauth/access_token', {
    headers: { accept, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
  });

  const tokenOctokit = (token: string) => new Octokit({ baseUrl: gh.url, auth: token });

  let nextInstallationId = 1000;
  /** A fresh installation per test, so tests do not depend on each other's state. */
  function installation(repos: Parameters<FakeGithub['setRepos']>[1] = 3, account?: { login: string; type?: 'User' | 'Organization' }): number {
    const id = ++nextInstallationId;
    gh.addInstallation({ id, account: { login: account?.login ?? `acct-${id}`, type: account?.type }, repos });
    return id;
  }

  beforeAll(async () => {
    gh = await startFakeGithub();
    jwt = () => appJwt(gh.privateKeyPem, { iss: gh.appId });
  });
  afterEach(() => gh.clearFaults());
  afterAll(() => gh.close());

  describe("conforms to GitHub's published OpenAPI description", () => {
    it('validates a body against the schema of its operation and status (and rejects a wrong one)', () => {
      expect(() => validateAgainstGithubOpenApi('get', '/repos/{owner}/{repo}/branches', 200, [{ name: 'main', protected: false }])).toThrow(/commit/);
      expect(() => validateAgainstGithubOpenApi('get', '/installation/repositories', 418, {})).toThrow(/documents no 418/);
      expect(() => validateAgainstGithubOpenApi('get', '/installation/repositories', 304, { a: 1 })).toThrow(/no body/);
      expect(() => validateAgainstGithubOpenApi('get', '/repos/{owner}/{repo}/branches', 200, [{ name: 'main', protected: false, commit: { sha: 'a', url: 'x' } }])).toThrow(/format/);
    });

    it('POST /app/installations/{installation_id}/access_tokens: 201, 401, 403 suspended, 404', async () => {
      const template = '/app/installations/{installation_id}/access_tokens';
      const id = installation(1);
      const ok = await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() });
      expectConforms('post', template, 201, ok);
      const body = ok.body as { token: string; expires_at: string; permissions: object; repository_selection: string };
      expect(body.token).toMatch(/^ghs_[A-Za-z0-9_-]{36}$/);
      expect(body.repository_selection).toBe('selected');
      expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Math.abs(Date.parse(body.expires_at) - (Date.now() + 3600_000))).toBeLessThan(5000);

      expectConforms('post', template, 401, await call('POST', `/app/installations/${id}/access_tokens`, { auth: 'not.a.jwt' }));
      expectConforms('post', template, 401, await call('POST', `/app/installations/${id}/access_tokens`));
      gh.suspend(id);
      const suspended = await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() });
      expectConforms('post', template, 403, suspended);
      expect((suspended.body as { message: string }).message).toBe('This installation has been suspended');
      const missing = await call('POST', '/app/installations/999999/access_tokens', { auth: jwt() });
      expectConforms('post', template, 404, missing);
      expect((missing.body as { message: string }).message).toBe('Not Found');
    });

    it('GET /app/installations/{installation_id}: 200 (active, suspended, organization) and 404', async () => {
      const template = '/app/installations/{installation_id}';
      const id = installation(2, { login: 'some-org', type: 'Organization' });
      const ok = await call('GET', `/app/installations/${id}`, { auth: jwt() });
      expectConforms('get', template, 200, ok);
      expect(ok.body).toMatchObject({ id, app_id: Number(gh.appId), app_slug: gh.appSlug, target_type: 'Organization', repository_selection: 'selected', suspended_at: null, account: { login: 'some-org', type: 'Organization' } });
      gh.suspend(id);
      const suspended = await call('GET', `/app/installations/${id}`, { auth: jwt() });
      expectConforms('get', template, 200, suspended);
      expect((suspended.body as { suspended_at: string }).suspended_at).toEqual(expect.any(String));
      expectConforms('get', template, 404, await call('GET', '/app/installations/424242', { auth: jwt() }));
    });

    it('DELETE /app/installations/{installation_id}: 204 then 404', async () => {
      const template = '/app/installations/{installation_id}';
      const id = installation(1);
      const gone = await call('DELETE', `/app/installations/${id}`, { auth: jwt() });
      expectConforms('delete', template, 204, gone);
      expect(gone.text).toBe('');
      expectConforms('delete', template, 404, await call('DELETE', `/app/installations/${id}`, { auth: jwt() }));
      expectConforms('get', template, 404, await call('GET', `/app/installations/${id}`, { auth: jwt() }));
      expectConforms('post', `${template}/access_tokens`, 404, await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() }));
    });

    it('GET /installation/repositories: 200, 304, 401, 403 (suspended, rate limits), and undocumented 404/500/429 by hand', async () => {
      const template = '/installation/repositories';
      const id = installation([
        { name: 'alpha' },
        { name: 'beta', private: false, archived: true, language: null, default_branch: 'trunk', permissions_push: false, pushed_at: '2023-05-01T10:00:00Z' },
        { name: 'shared', owner: 'other-org' },
      ]);
      const token = await mint(id);
      const ok = await call('GET', template, { auth: token, scheme: 'token' });
      expectConforms('get', template, 200, ok);
      expect(ok.body).toMatchObject({ total_count: 3, repository_selection: 'selected' });
      const repos = (ok.body as { repositories: Array<Record<string, unknown>> }).repositories;
      expect(repos.map((r) => r.full_name)).toEqual([`acct-${id}/alpha`, `acct-${id}/beta`, 'other-org/shared']);
      expect(repos[1]).toMatchObject({ private: false, visibility: 'public', archived: true, language: null, default_branch: 'trunk', pushed_at: '2023-05-01T10:00:00Z', permissions: { push: false, pull: true, admin: false } });
      expect(repos[2]).toMatchObject({ owner: { login: 'other-org', type: 'Organization' } });

      const notModified = await call('GET', template, { auth: token, headers: { 'if-none-match': ok.headers.get('etag')! } });
      expectConforms('get', template, 304, notModified);
      expectConforms('get', template, 401, await call('GET', template, { auth: 'ghs_unknown' }));
      expectConforms('get', template, 401, await call('GET', template));
      for (const kind of ['suspended', 'primary-rate-limit', 'secondary-rate-limit'] as const) {
        gh.fault({ kind, path: template });
        expectConforms('get', template, 403, await call('GET', template, { auth: token }));
      }
      gh.fault({ kind: '404', path: template });
      expectUndocumentedError('get', template, 404, await call('GET', template, { auth: token }), 'Not Found');
      gh.fault({ kind: '5xx', path: template });
      expectUndocumentedError('get', template, 500, await call('GET', template, { auth: token }), 'Server Error');
      gh.fault({ kind: '5xx', path: template, status: 502 });
      expectUndocumentedError('get', template, 502, await call('GET', template, { auth: token }), 'Server Error');
      gh.fault({ kind: 'secondary-rate-limit', path: template, status: 429 });
      expectUndocumentedError('get', template, 429, await call('GET', template, { auth: token }), /secondary rate limit/);
      gh.failOnPage(1);
      expectUndocumentedError('get', template, 500, await call('GET', template, { auth: token }), 'Server Error');
    });

    it('GET /repos/{owner}/{repo}: 200, 403 and 404', async () => {
      const template = '/repos/{owner}/{repo}';
      const id = installation([{ name: 'full', default_branch: 'develop' }]);
      const token = await mint(id);
      const ok = await call('GET', `/repos/acct-${id}/full`, { auth: token });
      expectConforms('get', template, 200, ok);
      expect(ok.body).toMatchObject({ full_name: `acct-${id}/full`, default_branch: 'develop' });
      expectConforms('get', template, 404, await call('GET', `/repos/acct-${id}/nope`, { auth: token }));
      gh.suspend(id);
      expectConforms('get', template, 403, await call('GET', `/repos/acct-${id}/full`, { auth: token }));
    });

    it('GET /repos/{owner}/{repo}/branches: 200 and 404', async () => {
      const template = '/repos/{owner}/{repo}/branches';
      const id = installation([{ name: 'br' }]);
      gh.setBranches(`acct-${id}/br`, ['main', 'feature/x']);
      const token = await mint(id);
      const ok = await call('GET', `/repos/acct-${id}/br/branches`, { auth: token });
      expectConforms('get', template, 200, ok);
      expect((ok.body as Array<{ name: string }>).map((b) => b.name)).toEqual(['main', 'feature/x']);
      expectConforms('get', template, 404, await call('GET', `/repos/acct-${id}/missing/branches`, { auth: token }));
    });

    it('GET /user, GET /user/installations and GET /user/installations/{installation_id}/repositories', async () => {
      const mine = installation(2);
      const foreign = installation(1);
      gh.addUser({ login: 'contract-user', installations: [mine] });
      const token = await userToken('contract-user');
      const user = await call('GET', '/user', { auth: token });
      expectConforms('get', '/user', 200, user);
      expectConforms('get', '/user', 304, await call('GET', '/user', { auth: token, headers: { 'if-none-match': user.headers.get('etag')! } }));
      expectConforms('get', '/user', 401, await call('GET', '/user', { auth: 'ghu_revoked' }));
      expectConforms('get', '/user', 403, await call('GET', '/user', { auth: await mint(mine) }));

      const list = await call('GET', '/user/installations', { auth: token });
      expectConforms('get', '/user/installations', 200, list);
      expect(list.body).toMatchObject({ total_count: 1, installations: [{ id: mine }] });
      expectConforms('get', '/user/installations', 304, await call('GET', '/user/installations', { auth: token, headers: { 'if-none-match': list.headers.get('etag')! } }));
      expectConforms('get', '/user/installations', 401, await call('GET', '/user/installations', { auth: 'ghu_revoked' }));
      gh.fault({ kind: 'primary-rate-limit', path: '/user/installations' });
      expectConforms('get', '/user/installations', 403, await call('GET', '/user/installations', { auth: token }));

      const template = '/user/installations/{installation_id}/repositories';
      expectConforms('get', template, 200, await call('GET', `/user/installations/${mine}/repositories`, { auth: token }));
      expectConforms('get', template, 404, await call('GET', `/user/installations/${foreign}/repositories`, { auth: token }));
    });

    it('POST /login/oauth/access_token (web host, not in the REST description): the documented shapes by hand', async () => {
      const { code } = gh.addUser({ login: 'oauth-shape' });
      const ok = await form({ client_id: gh.clientId, client_secret: gh.clientSecret, code });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(ok.body).toEqual({
        access_token: expect.stringMatching(/^ghu_[A-Za-z0-9_-]{36}$/), token_type: 'bearer', scope: '',
        expires_in: 28800, refresh_token: expect.stringMatching(/^ghr_/), refresh_token_expires_in: 15811200,
      });
      const used = await form({ client_id: gh.clientId, client_secret: gh.clientSecret, code });
      expect(used.status).toBe(200);
      expect(used.body).toEqual({
        error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.',
        error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
      });
      const wrongSecret = await form({ client_id: gh.clientId, client_secret: 'nope', code: gh.newCode('oauth-shape') });
      expect(wrongSecret.body).toMatchObject({ error: 'incorrect_client_credentials', error_description: expect.any(String), error_uri: expect.any(String) });
      const formEncoded = await form({ client_id: gh.clientId, client_secret: gh.clientSecret, code: gh.newCode('oauth-shape') }, '*/*');
      expect(formEncoded.headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=utf-8');
      const fields = new URLSearchParams(formEncoded.text);
      expect(fields.get('access_token')).toMatch(/^ghu_/);
      expect(fields.get('token_type')).toBe('bearer');
    });
  });

  describe('works with the real Octokit clients', () => {
    it('mints an installation token through @octokit/auth-app and lists repositories with paginate', async () => {
      const id = installation(250);
      const octokit = new Octokit({ baseUrl: gh.url, authStrategy: createAppAuth, auth: { appId: gh.appId, privateKey: gh.privateKeyPem, installationId: id } });
      const minted = gh.tokensMinted;
      gh.resetCalls();
      const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
      expect(repos.map((r) => r.name)).toEqual(Array.from({ length: 250 }, (_, i) => `repo-${String(i + 1).padStart(5, '0')}`));
      expect(gh.tokensMinted).toBe(minted + 1);
      expect(gh.callsTo('/installation/repositories')).toBe(3);
      expect(gh.calls.filter((c) => c.path === '/installation/repositories').map((c) => c.query.page ?? '1')).toEqual(['1', '2', '3']);
      const mintCall = gh.calls.find((c) => c.path.endsWith('/access_tokens'));
      expect(mintCall).toMatchObject({ method: 'POST', status: 201, authKind: 'app', installationId: id });
    });

    it('runs the user flow: code exchange, GET /user, GET /user/installations (all pages)', async () => {
      const ids = [installation(1), installation(1), installation(1)];
      const { code } = gh.addUser({ login: 'octo-flow', id: 777, installations: ids });
      const res = await call('POST', '/login/oauth/access_token', {
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: gh.clientId, client_secret: gh.clientSecret, code }).toString(),
      });
      const token = (res.body as { access_token: string }).access_token;
      expect(token).toMatch(/^ghu_/);
      const octokit = tokenOctokit(token);
      const me = await octokit.rest.users.getAuthenticated();
      expect(me.data).toMatchObject({ login: 'octo-flow', id: 777, type: 'User' });
      const installations = await octokit.paginate(octokit.rest.apps.listInstallationsForAuthenticatedUser, { per_page: 2 });
      expect(installations.map((i) => i.id)).toEqual(ids);
    });
  });

  describe('behaves as GitHub documents', () => {

    it('paginates with per_page (default 30, max 100), page, total_count and absolute Link URLs', async () => {
      const id = installation(250);
      const token = await mint(id);
      const first = await call('GET', '/installation/repositories', { auth: token });
      const body = first.body as { total_count: number; repositories: Array<{ name: string }> };
      expect(body.total_count).toBe(250);
      expect(body.repositories).toHaveLength(30);
      expect(body.repositories[0]!.name).toBe('repo-00001');
      expect(Object.keys(links(first)).sort()).toEqual(['last', 'next']);
      expect(links(first).next).toBe(`${gh.url}/installation/repositories?page=2`);
      expect(pageOf(links(first).last)).toBe('9');

      const last = await call('GET', '/installation/repositories?page=9', { auth: token });
      expect((last.body as typeof body).repositories.map((r) => r.name)).toEqual(Array.from({ length: 10 }, (_, i) => `repo-00${241 + i}`));
      expect(Object.keys(links(last)).sort()).toEqual(['first', 'prev']);
      expect(pageOf(links(last).prev)).toBe('8');
      expect(pageOf(links(last).first)).toBe('1');

      const big = await call('GET', '/installation/repositories?per_page=500&page=2', { auth: token });
      expect((big.body as typeof body).repositories).toHaveLength(100);
      expect((big.body as typeof body).repositories[0]!.name).toBe('repo-00101');
      const bigLinks = links(big);
      expect(new URL(bigLinks.next!).searchParams.get('per_page')).toBe('500');
      expect([pageOf(bigLinks.prev), pageOf(bigLinks.next), pageOf(bigLinks.last), pageOf(bigLinks.first)]).toEqual(['1', '3', '3', '1']);

      const beyond = await call('GET', '/installation/repositories?per_page=100&page=7', { auth: token });
      expect(beyond.body).toMatchObject({ total_count: 250, repositories: [] });
      expect(links(beyond).next).toBeUndefined();

      const empty = await call('GET', '/installation/repositories', { auth: await mint(installation(0)) });
      expect(empty.body).toMatchObject({ total_count: 0, repositories: [] });
      expect(empty.headers.get('link')).toBeNull();
    });

    it('paginates branches and user installations the same way (octokit.paginate follows Link)', async () => {
      const id = installation([{ name: 'many', default_branch: 'b-000' }]);
      const names = Array.from({ length: 205 }, (_, i) => `b-${String(i).padStart(3, '0')}`);
      gh.setBranches(`acct-${id}/many`, names);
      const octokit = tokenOctokit(await mint(id));
      gh.resetCalls();
      const all = await octokit.paginate(octokit.rest.repos.listBranches, { owner: `acct-${id}`, repo: 'many' });
      expect(all.map((b) => b.name)).toEqual(names);
      expect(gh.callsTo(/\/branches$/)).toBe(7);
      const shaOfMain = all[0]!.commit.sha;
      expect(shaOfMain).toMatch(/^[0-9a-f]{40}$/);

      const fresh = installation([{ name: 'solo', default_branch: 'trunk' }]);
      const solo = await call('GET', `/repos/acct-${fresh}/solo/branches`, { auth: await mint(fresh) });
      expect((solo.body as Array<{ name: string }>).map((b) => b.name)).toEqual(['trunk']);

      const ids = Array.from({ length: 5 }, () => installation(0));
      gh.addUser({ login: 'many-installs', installations: ids });
      const user = tokenOctokit(await userToken('many-installs'));
      gh.resetCalls();
      expect((await user.paginate(user.rest.apps.listInstallationsForAuthenticatedUser, { per_page: 2 })).map((i) => i.id)).toEqual(ids);
      expect(gh.callsTo('/user/installations')).toBe(3);
    });

    it('answers 304 to a matching If-None-Match for the same token only, and changes the ETag with the content', async () => {
      const id = installation(40);
      const tokenA = await mint(id);
      const tokenB = await mint(id);
      const a = await call('GET', '/installation/repositories', { auth: tokenA });
      const etag = a.headers.get('etag')!;
      expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
      const again = await call('GET', '/installation/repositories', { auth: tokenA });
      expect(again.headers.get('etag')).toBe(etag);

      const notModified = await call('GET', '/installation/repositories', { auth: tokenA, headers: { 'if-none-match': etag } });
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers.get('etag')).toBe(etag);

      const otherToken = await call('GET', '/installation/repositories', { auth: tokenB, headers: { 'if-none-match': etag } });
      expect(otherToken.status).toBe(200);
      expect(otherToken.headers.get('etag')).not.toBe(etag);

      const page2 = await call('GET', '/installation/repositories?page=2', { auth: tokenA, headers: { 'if-none-match': etag } });
      expect(page2.status).toBe(200);
      expect(page2.headers.get('etag')).not.toBe(etag);

      gh.setRepos(id, 41);
      const changed = await call('GET', '/installation/repositories', { auth: tokenA, headers: { 'if-none-match': etag } });
      expect(changed.status).toBe(200);
      expect((changed.body as { total_count: number }).total_count).toBe(41);
    });

    it('counts the primary rate limit per installation (tokens share it, 304s are free) and per user', async () => {
      const id = installation(5);
      const other = installation(5);
      const t1 = await mint(id);
      const t2 = await mint(id);
      const first = await call('GET', '/installation/repositories', { auth: t1 });
      const remaining = Number(first.headers.get('x-ratelimit-remaining'));
      expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
      expect(remaining).toBe(4999);
      expect(Number(first.headers.get('x-ratelimit-used'))).toBe(1);
      const reset = Number(first.headers.get('x-ratelimit-reset'));
      expect(reset - Date.now() / 1000).toBeGreaterThan(3500);
      expect(reset - Date.now() / 1000).toBeLessThanOrEqual(3600);

      const second = await call('GET', '/installation/repositories', { auth: t2 });
      expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
      const free = await call('GET', '/installation/repositories', { auth: t2, headers: { 'if-none-match': second.headers.get('etag')! } });
      expect(free.status).toBe(304);
      expect(Number(free.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
      const third = await call('GET', `/repos/acct-${id}/repo-00001`, { auth: t1 });
      expect(Number(third.headers.get('x-ratelimit-remaining'))).toBe(remaining - 2);
      expect(gh.rateLimit(id)).toMatchObject({ limit: 5000, remaining: remaining - 2, used: 3, reset });

      const separate = await call('GET', '/installation/repositories', { auth: await mint(other) });
      expect(separate.headers.get('x-ratelimit-remaining')).toBe('4999');

      gh.addUser({ login: 'limited-user' });
      const ut = await userToken('limited-user');
      expect((await call('GET', '/user', { auth: ut })).headers.get('x-ratelimit-remaining')).toBe('4999');
      expect((await call('GET', '/user', { auth: ut })).headers.get('x-ratelimit-remaining')).toBe('4998');
    });

    it('verifies App JWTs: RS256 with the App key, iss = App ID or Client ID, sane iat/exp', async () => {
      const id = installation(1);
      const now = Math.floor(Date.now() / 1000);
      const minted = gh.tokensMinted;
      const mintWith = (token: string) => call('POST', `/app/installations/${id}/access_tokens`, { auth: token });
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
      const refusals: Array<[string, string]> = [
        [appJwt(otherKey, { iss: gh.appId }), 'A JSON web token could not be decoded'],
        [appJwt(gh.privateKeyPem, { iss: '9999' }), 'A JSON web token could not be decoded'],
        [appJwt(gh.privateKeyPem, { iss: gh.appId, iat: now - 700, exp: now - 100 }), "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"],
        [appJwt(gh.privateKeyPem, { iss: gh.appId, exp: now + 3600 }), "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"],
        [appJwt(gh.privateKeyPem, { iss: gh.appId, iat: now + 300, exp: now + 600 }), "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"],
        [`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"iss":"${gh.appId}"}`).toString('base64url')}.`, 'A JSON web token could not be decoded'],
        [jwt().slice(0, -4) + 'AAAA', 'A JSON web token could not be decoded'],
      ];
      for (const [token, message] of refusals) {
        const res = await mintWith(token);
        expect({ status: res.status, message: (res.body as { message: string }).message }).toEqual({ status: 401, message });
      }
      const gated = await call('GET', `/app/installations/${id}`, { auth: appJwt(otherKey, { iss: gh.appId }) });
      expect(gated.status).toBe(401);
      const installationTokenIsNotAJwt = await call('GET', `/app/installations/${id}`, { auth: await mint(id) });
      expect(installationTokenIsNotAJwt.status).toBe(401);
      expect(gh.tokensMinted).toBe(minted + 1);
      expect((await mintWith(appJwt(gh.privateKeyPem, { iss: gh.clientId }))).status).toBe(201);
    });

    it('expires tokens: expireTokens(), and a short tokenTtlS, make old tokens answer 401 Bad credentials', async () => {
      const id = installation(1);
      const token = await mint(id);
      gh.addUser({ login: 'expiring' });
      const ut = await userToken('expiring');
      gh.expireTokens();
      for (const [path, auth] of [['/installation/repositories', token], ['/user', ut]] as const) {
        const res = await call('GET', path, { auth });
        expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } });
      }
      expect((await call('GET', '/installation/repositories', { auth: await mint(id) })).status).toBe(200);

      const short = await startFakeGithub({ tokenTtlS: 1 });
      try {
        short.addInstallation({ id: 1, account: { login: 'short' }, repos: 1 });
        const res = await fetch(`${short.url}/app/installations/1/access_tokens`, { method: 'POST', headers: { authorization: `Bearer ${appJwt(short.privateKeyPem, { iss: short.appId })}` } });
        const { token: shortToken, expires_at } = (await res.json()) as { token: string; expires_at: string };
        expect(Date.parse(expires_at) - Date.now()).toBeLessThanOrEqual(1000);
        expect((await fetch(`${short.url}/installation/repositories`, { headers: { authorization: `token ${shortToken}` } })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1100));
        expect((await fetch(`${short.url}/installation/repositories`, { headers: { authorization: `token ${shortToken}` } })).status).toBe(401);
      } finally {
        await short.close();
      }
    });

    it('injects each fault kind once by default, then answers normally', async () => {
      const id = installation(3);
      const token = await mint(id);
      const path = '/installation/repositories';
      const expected: Array<[Parameters<FakeGithub['fault']>[0], number, string | RegExp]> = [
        [{ kind: '5xx' }, 500, 'Server Error'],
        [{ kind: '5xx', status: 502 }, 502, 'Server Error'],
        [{ kind: '401' }, 401, 'Bad credentials'],
        [{ kind: 'suspended' }, 403, 'This installation has been suspended'],
        [{ kind: '404' }, 404, 'Not Found'],
        [{ kind: 'primary-rate-limit' }, 403, new RegExp(`^API rate limit exceeded for installation ID ${id}\\.`)],
        [{ kind: 'secondary-rate-limit' }, 403, /^You have exceeded a secondary rate limit/],
      ];
      for (const [fault, status, message] of expected) {
        gh.fault({ ...fault, path });
        const hit = await call('GET', path, { auth: token });
        expect({ kind: fault.kind, status: hit.status }).toEqual({ kind: fault.kind, status });
        expect((hit.body as { message: string }).message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
        expect((await call('GET', path, { auth: token })).status).toBe(200);
      }
    });

    it('shapes rate-limit faults as GitHub does (headers the throttling plugin reads)', async () => {
      const id = installation(1);
      const token = await mint(id);
      gh.fault({ kind: 'primary-rate-limit', resetInS: 5 });
      const primary = await call('GET', '/installation/repositories', { auth: token });
      expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
      const reset = Number(primary.headers.get('x-ratelimit-reset'));
      expect(Math.abs(reset - (Date.now() / 1000 + 5))).toBeLessThanOrEqual(2);
      expect(primary.headers.get('retry-after')).toBeNull();

      gh.fault({ kind: 'primary-rate-limit' });
      const defaultReset = Number((await call('GET', '/installation/repositories', { auth: token })).headers.get('x-ratelimit-reset'));
      expect(Math.abs(defaultReset - (Date.now() / 1000 + 2))).toBeLessThanOrEqual(2);

      gh.fault({ kind: 'secondary-rate-limit', retryAfterS: 7 });
      const secondary = await call('GET', '/installation/repositories', { auth: token });
      expect(secondary.headers.get('retry-after')).toBe('7');
      expect(Number(secondary.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
      gh.fault({ kind: 'secondary-rate-limit' });
      expect((await call('GET', '/installation/repositories', { auth: token })).headers.get('retry-after')).toBe('1');

      // The client side: @octokit/rest surfaces both as RequestError 403 with these headers.
      gh.fault({ kind: 'primary-rate-limit' });
      await expect(tokenOctokit(token).rest.apps.listReposAccessibleToInstallation()).rejects.toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    });

    it('matches faults by path substring or RegExp, honours times, and clearFaults disarms them', async () => {
      const id = installation([{ name: 'r' }]);
      const token = await mint(id);
      gh.fault({ kind: '5xx', path: '/branches', times: 2 });
      expect((await call('GET', '/installation/repositories', { auth: token })).status).toBe(200);
      expect((await call('GET', `/repos/acct-${id}/r`, { auth: token })).status).toBe(200);
      expect((await call('GET', `/repos/acct-${id}/r/branches`, { auth: token })).status).toBe(500);
      expect((await call('GET', `/repos/acct-${id}/r/branches`, { auth: token })).status).toBe(500);
      expect((await call('GET', `/repos/acct-${id}/r/branches`, { auth: token })).status).toBe(200);

      gh.fault({ kind: '404', path: /^\/app\/installations\/\d+\/access_tokens$/ });
      expect((await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() })).status).toBe(404);
      expect((await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() })).status).toBe(201);

      gh.fault({ kind: '5xx', path: '/login/oauth/access_token' });
      gh.addUser({ login: 'oauth-fault' });
      const exchange = await call('POST', '/login/oauth/access_token', { headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ client_id: gh.clientId, client_secret: gh.clientSecret, code: gh.newCode('oauth-fault') }) });
      expect(exchange.status).toBe(500);

      gh.fault({ kind: 'suspended', times: 5 });
      gh.failOnPage(1, { times: 3 });
      gh.clearFaults();
      expect((await call('GET', '/installation/repositories', { auth: token })).status).toBe(200);
    });

    it('delays slow answers by delayMs and then answers normally', async () => {
      const token = await mint(installation(2));
      gh.fault({ kind: 'slow', delayMs: 400, path: '/installation/repositories' });
      const started = Date.now();
      const slow = await call('GET', '/installation/repositories', { auth: token });
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(slow.status).toBe(200);
      expect((slow.body as { total_count: number }).total_count).toBe(2);
      const quick = Date.now();
      await call('GET', '/installation/repositories', { auth: token });
      expect(Date.now() - quick).toBeLessThan(300);
    });

    it('failOnPage makes one page of /installation/repositories answer 500, so a sweep fails mid-way', async () => {
      const id = installation(250);
      const octokit = tokenOctokit(await mint(id));
      gh.failOnPage(2);
      gh.resetCalls();
      await expect(octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 })).rejects.toMatchObject({ status: 500 });
      expect(gh.calls.map((c) => [c.query.page ?? '1', c.status])).toEqual([['1', 200], ['2', 500]]);
      expect(await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 })).toHaveLength(250);

      gh.failOnPage(3, { times: 2 });
      for (let i = 0; i < 2; i++) {
        await expect(octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 })).rejects.toMatchObject({ status: 500 });
      }
      expect(await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 })).toHaveLength(250);
    });

    it('accepts an OAuth code once, binds it to its user, and rotates refresh tokens', async () => {
      const { code } = gh.addUser({ login: 'once', id: 4242 });
      gh.addUser({ login: 'someone-else' });
      const exchange = (fields: Record<string, string>) => call('POST', '/login/oauth/access_token', {
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: gh.clientId, client_secret: gh.clientSecret, ...fields }),
      });
      const first = (await exchange({ code })).body as { access_token: string; refresh_token: string };
      expect((await exchange({ code })).body).toMatchObject({ error: 'bad_verification_code' });
      expect((await exchange({ code: 'never-issued' })).body).toMatchObject({ error: 'bad_verification_code' });
      const me = await call('GET', '/user', { auth: first.access_token });
      expect(me.body).toMatchObject({ login: 'once', id: 4242 });

      const second = (await exchange({ code: gh.newCode('once') })).body as { access_token: string };
      expect(second.access_token).not.toBe(first.access_token);

      const refreshed = (await exchange({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body as { access_token: string };
      expect((await call('GET', '/user', { auth: refreshed.access_token })).body).toMatchObject({ login: 'once' });
      expect((await exchange({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body).toMatchObject({ error: 'bad_refresh_token' });
      expect(() => gh.newCode('nobody')).toThrow(/no user nobody/);
    });

    it('suspends and unsuspends an installation', async () => {
      const id = installation(2);
      const token = await mint(id);
      gh.addUser({ login: 'susp-user', installations: [id] });
      const ut = await userToken('susp-user');
      gh.suspend(id);
      expect((await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() })).status).toBe(403);
      const listing = await call('GET', '/installation/repositories', { auth: token });
      expect({ status: listing.status, message: (listing.body as { message: string }).message }).toEqual({ status: 403, message: 'This installation has been suspended' });
      const seen = await call('GET', '/user/installations', { auth: ut });
      expect(seen.body).toMatchObject({ total_count: 1, installations: [{ id, suspended_at: expect.any(String), suspended_by: { login: expect.any(String) } }] });

      gh.unsuspend(id);
      expect((await call('GET', '/installation/repositories', { auth: token })).status).toBe(200);
      expect((await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() })).status).toBe(201);
      expect(((await call('GET', `/app/installations/${id}`, { auth: jwt() })).body as { suspended_at: unknown }).suspended_at).toBeNull();
    });

    it('uninstalls an installation (uninstall() or DELETE): 404 on mint and GET, old tokens 401, gone from the user list', async () => {
      for (const how of ['model', 'api'] as const) {
        const id = installation(2);
        const keep = installation(1);
        const token = await mint(id);
        gh.addUser({ login: `uninstaller-${how}`, installations: [id, keep] });
        const ut = await userToken(`uninstaller-${how}`);
        if (how === 'model') gh.uninstall(id);
        else expect((await call('DELETE', `/app/installations/${id}`, { auth: jwt() })).status).toBe(204);
        expect((await call('POST', `/app/installations/${id}/access_tokens`, { auth: jwt() })).status).toBe(404);
        expect((await call('GET', `/app/installations/${id}`, { auth: jwt() })).status).toBe(404);
        expect((await call('GET', '/installation/repositories', { auth: token })).status).toBe(401);
        expect((await call('GET', '/user/installations', { auth: ut })).body).toMatchObject({ total_count: 1, installations: [{ id: keep }] });
        expect((await call('GET', `/user/installations/${id}/repositories`, { auth: ut })).status).toBe(404);
      }
    });

    it('changes the model: setRepos keeps ids by name, removeRepo drops a repository and its branches', async () => {
      const id = installation([{ name: 'a' }, { name: 'b' }]);
      const token = await mint(id);
      const ids = async () => Object.fromEntries(((await call('GET', '/installation/repositories', { auth: token })).body as { repositories: Array<{ name: string; id: number }> }).repositories.map((r) => [r.name, r.id]));
      const before = await ids();
      gh.setRepos(id, [{ name: 'b' }, { name: 'c' }]);
      const after = await ids();
      expect(after.b).toBe(before.b);
      expect(Object.keys(after)).toEqual(['b', 'c']);
      expect(new Set(Object.values(after)).size).toBe(2);
      expect(gh.repoNames(id)).toEqual([`acct-${id}/b`, `acct-${id}/c`]);

      gh.removeRepo(id, `acct-${id}/b`);
      expect(gh.repoNames(id)).toEqual([`acct-${id}/c`]);
      expect((await call('GET', `/repos/acct-${id}/b`, { auth: token })).status).toBe(404);
      expect((await call('GET', `/repos/acct-${id}/b/branches`, { auth: token })).status).toBe(404);
      expect(((await call('GET', '/installation/repositories', { auth: token })).body as { total_count: number }).total_count).toBe(1);
      expect(() => gh.removeRepo(id, `acct-${id}/b`)).toThrow(/has no/);
    });

    it('records calls (method, path, query, status, credential) for tests to count', async () => {
      const id = installation(1);
      const token = await mint(id);
      gh.resetCalls();
      expect(gh.calls).toEqual([]);
      await call('GET', '/installation/repositories?per_page=5&page=1', { auth: token });
      await call('GET', '/nowhere', { auth: token });
      expect(gh.calls).toEqual([
        { method: 'GET', path: '/installation/repositories', query: { per_page: '5', page: '1' }, status: 200, auth: token, authKind: 'installation', installationId: id },
        { method: 'GET', path: '/nowhere', query: {}, status: 404, auth: token, authKind: 'installation', installationId: id },
      ]);
      expect(gh.callsTo('/installation/')).toBe(1);
      expect(gh.callsTo(/^\/now/)).toBe(1);
      gh.resetCalls();
      expect(gh.callsTo('/installation/')).toBe(0);
    });

    it('signs webhook bodies as GitHub does (X-Hub-Signature-256) and hands out conforming objects for payloads', () => {
      const body = '{"action":"created"}';
      expect(gh.signWebhook(body)).toBe(`sha256=${createHmac('sha256', gh.webhookSecret).update(body).digest('hex')}`);
      const id = installation([{ name: 'hooked' }]);
      const inst = gh.installationJson(id);
      validateAgainstGithubOpenApi('get', '/app/installations/{installation_id}', 200, inst);
      expect(inst).toMatchObject({ id, account: { login: `acct-${id}` } });
      const repo = gh.repoJson(id, `acct-${id}/hooked`);
      validateAgainstGithubOpenApi('get', '/repos/{owner}/{repo}', 200, repo);
      expect(repo).toMatchObject({ full_name: `acct-${id}/hooked` });
      expect(() => gh.repoJson(id, 'x/y')).toThrow(/has no x\/y/);
    });
  });

  describe('network guard', () => {
    it('makes a request to a non-loopback host fail, so no test can reach GitHub', async () => {
      const octokit = new Octokit({ baseUrl: 'https://api.github.com', request: { retries: 0 } });
      const failure: unknown = await octokit.rest.meta.root().then(() => undefined, (err: unknown) => err);
      expect(failure).toBeDefined();
      const messages: string[] = [];
      for (let e = failure as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) messages.push(String(e.message));
      expect(messages.join(' | ')).toContain('Network guard: tests may only connect to loopback hosts, not api.github.com');
      expect(() => net.connect({ host: '140.82.112.6', port: 443 })).toThrow(/Network guard/);
    });
  });
});
