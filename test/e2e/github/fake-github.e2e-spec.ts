// The fake GitHub server used by the GitHub tests. What this file proves: every body the fake sends
// conforms to GitHub's published OpenAPI description (@octokit/openapi) for that operation and status,
// and the fake behaves as GitHub documents (pagination, ETags, rate limits, App JWTs, token expiry,
// faults). It does not prove anything about github.com itself, which no test may reach (last block).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { startFakeGithub, type FakeGithub } from '../../support/fake-github/index.js';
import { githubDocumentsStatus, validateAgainstGithubOpenApi } from '../../support/fake-github/openapi-contract.js';

interface Reply { status: number; headers: Headers; body: unknown; text: string }

function appJwt(privateKeyPem: string, claims: { iss: string; iat?: number; exp?: number }): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iat: claims.iat ?? now - 30, exp: claims.exp ?? now + 570, iss: claims.iss })}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKeyPem).toString('base64url')}`;
}

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
      const form = (fields: Record<string, string>, accept = 'application/json') => call('POST', '/login/oauth/access_token', {
        headers: { accept, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
      });
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
});
