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
  function installation(repos: Parameters<FakeGithub['setRepos']>[1] = 3, account: { login: string; type?: 'User' | 'Organization' } = { login: `acct-${nextInstallationId}` }): number {
    const id = ++nextInstallationId;
    gh.addInstallation({ id, account: { login: account.login, type: account.type }, repos });
    return id;
  }

  beforeAll(async () => {
    gh = await startFakeGithub();
    jwt = () => appJwt(gh.privateKeyPem, { iss: gh.appId });
  });
  afterEach(() => gh.clearFaults());
  afterAll(() => gh.close());

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
