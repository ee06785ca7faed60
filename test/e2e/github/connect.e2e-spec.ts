import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser, loggedInUser, login as logIn, type SessionClient } from '../../support/fixtures.js';
import { eventually, meta, newInstallationId, startGithubHarness, type GithubHarness } from './support/github-harness.js';

const SUCCESS = 'http://frontend.test/settings/user?github_link_success=1';
const failure = (reason: string) => `http://frontend.test/settings/user?github_link_error=${reason}`;

// The callback acts for the browser session of the user who started the flow.
const callback = (params: Record<string, string>, client: SessionClient) =>
  client.get(`/api/integrations/github/callback?${new URLSearchParams(params)}`);

describe('connecting a GitHub App installation', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness();
  });
  afterAll(() => h.close());

  async function start(key: string): Promise<string> {
    const res = await h.t.http().post('/api/users/@me/integrations/github/start/').set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body.connect_flow).toBe('app_install');
    const url = new URL(res.body.install_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.gh.url}/apps/${h.gh.appSlug}/installations/new`);
    const state = url.searchParams.get('state')!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return state;
  }


  const rows = async (userId: number) =>
    (await h.t.dataSource.query(`SELECT installation_id FROM github_integrations WHERE user_id = $1`, [userId])) as unknown[];

  async function userWithKey() {
    const user = await createUser(h.t.app);
    return { user, key: await createApiKey(h.t.app, user, ['user:read', 'user:write']), browser: await logIn(h.t.app, user.email) };
  }

  it('links a verified installation, redirects with success and fills the cache in the background', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo-org', type: 'Organization' }, repositorySelection: 'all', repos: 7 });
    const login = `octocat-${iid}`;
    const { code } = h.gh.addUser({ login, installations: [iid] });
    const { user, key, browser } = await userWithKey();
    const state = await start(key);
    const res = await callback({ installation_id: String(iid), setup_action: 'install', code, state }, browser).expect(302);
    expect(res.headers.location).toBe(SUCCESS);
    const list = await h.t.http().get('/api/users/@me/integrations/').set('Authorization', `Bearer ${key}`).expect(200);
    expect(list.body.results).toEqual([{
      id: expect.any(String), kind: 'github', installation_id: String(iid), repository_selection: 'all',
      account: { type: 'Organization', name: 'octo-org' }, status: 'active', created_at: expect.any(String),
    }]);
    // The first refresh was enqueued by the callback: no request needed to fill the cache.
    await eventually(async () => (await meta(h, iid)).total === 7);
    // The user token served /user and /user/installations only; installation calls used the installation token.
    const userCalls = h.gh.calls.filter((c) => c.authKind === 'user').map((c) => c.path);
    expect(new Set(userCalls)).toEqual(new Set(['/user', '/user/installations']));
    expect(h.gh.calls.filter((c) => c.path === '/installation/repositories' && c.installationId === iid).every((c) => c.authKind === 'installation')).toBe(true);
    const { GithubLoginLookup } = await import('#libs/users');
    expect(await h.t.app.get(GithubLoginLookup).githubLoginFor(user.id)).toBe(login);
  });

  it('works from a browser session too (CSRF header), and a second link of the same installation upserts', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'solo' }, repos: 1 });
    // A second installation the account can see keeps `start` open after the first link.
    const unlinked = newInstallationId();
    h.gh.addInstallation({ id: unlinked, account: { login: 'solo-org' } });
    const login = `solo-${iid}`;
    const { code } = h.gh.addUser({ login, installations: [iid, unlinked] });
    const { user, client } = await loggedInUser(h.t.app);
    const browser = client;
    const first = await client.post('/api/users/@me/integrations/github/start/').expect(200);
    const state = new URL(first.body.install_url).searchParams.get('state')!;
    expect((await callback({ installation_id: String(iid), code, state }, browser).expect(302)).headers.location).toBe(SUCCESS);
    const again = await client.post('/api/users/@me/integrations/github/start/').expect(200);
    const state2 = new URL(again.body.install_url).searchParams.get('state')!;
    expect(state2).not.toBe(state);
    expect((await callback({ installation_id: String(iid), code: h.gh.newCode(login), state: state2 }, browser).expect(302)).headers.location).toBe(SUCCESS);
    expect(await rows(user.id)).toHaveLength(1);
  });

  it('refuses a forged state, a reused state and an expired one with invalid_state', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'x' } });
    const login = `forger-${iid}`;
    const { code } = h.gh.addUser({ login, installations: [iid] });
    const { user, key, browser } = await userWithKey();
    expect((await callback({ installation_id: String(iid), code, state: 'forged-state-value' }, browser).expect(302)).headers.location).toBe(failure('invalid_state'));
    expect((await callback({ installation_id: String(iid), code }, browser).expect(302)).headers.location).toBe(failure('missing_params'));
    const state = await start(key);
    expect((await callback({ installation_id: String(iid), code, state }, browser).expect(302)).headers.location).toBe(SUCCESS);
    await h.t.dataSource.query(`DELETE FROM github_integrations WHERE user_id = $1`, [user.id]);
    const reused = await callback({ installation_id: String(iid), code: h.gh.newCode(login), state }, browser).expect(302);
    expect(reused.headers.location).toBe(failure('invalid_state'));
    expect(await rows(user.id)).toHaveLength(0);
    // A state lives 10 minutes in Redis.
    const fresh = await start(key);
    const ttl = await h.t.redis.ttl(`gh:oauthstate:${fresh}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    await h.t.redis.del(`gh:oauthstate:${fresh}`);
    expect((await callback({ installation_id: String(iid), code: h.gh.newCode(login), state: fresh }, browser).expect(302)).headers.location).toBe(failure('invalid_state'));
  });

  it('refuses an installation that is not among the user\'s installations (every page checked)', async () => {
    const mine: number[] = [];
    for (let i = 0; i < 130; i++) {
      const id = newInstallationId();
      h.gh.addInstallation({ id, account: { login: `org-${id}`, type: 'Organization' } });
      mine.push(id);
    }
    const foreign = newInstallationId();
    h.gh.addInstallation({ id: foreign, account: { login: 'someone-else' } });
    const login = `many-${foreign}`;
    const { code } = h.gh.addUser({ login, installations: mine });
    const { user, key, browser } = await userWithKey();
    h.gh.resetCalls();
    const res = await callback({ installation_id: String(foreign), code, state: await start(key) }, browser).expect(302);
    expect(res.headers.location).toBe(failure('installation_not_authorized'));
    expect(await rows(user.id)).toHaveLength(0);
    expect(h.gh.calls.filter((c) => c.path === '/user/installations')).toHaveLength(2);
    // The last installation sits on the second page and is accepted.
    const last = mine[mine.length - 1]!;
    const ok = await callback({ installation_id: String(last), code: h.gh.newCode(login), state: await start(key) }, browser).expect(302);
    expect(ok.headers.location).toBe(SUCCESS);
    expect(await rows(user.id)).toEqual([{ installation_id: String(last) }]);
  });

  it('answers missing_params without code, state or installation_id, consuming the state; a malformed id is invalid_installation_id', async () => {
    const { user, key, browser } = await userWithKey();
    const noCode = await start(key);
    expect((await callback({ setup_action: 'install', state: noCode }, browser).expect(302)).headers.location).toBe(failure('missing_params'));
    expect(await h.t.redis.exists(`gh:oauthstate:${noCode}`)).toBe(0);
    expect((await callback({ code: 'abc', state: await start(key) }, browser).expect(302)).headers.location).toBe(failure('missing_params'));
    expect((await callback({ code: 'abc', installation_id: '1' }, browser).expect(302)).headers.location).toBe(failure('missing_params'));
    const login = `malformed-${newInstallationId()}`;
    h.gh.addUser({ login });
    expect((await callback({ code: h.gh.newCode(login), installation_id: 'x1', state: await start(key) }, browser).expect(302)).headers.location).toBe(failure('invalid_installation_id'));
    expect(await rows(user.id)).toHaveLength(0);
  });

  it('treats an exchange answer without access_token as a failure (GitHub says 200 with an error)', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'y' } });
    h.gh.addUser({ login: `badcode-${iid}`, installations: [iid] });
    const { user, key, browser } = await userWithKey();
    const res = await callback({ installation_id: String(iid), code: 'not-a-real-code', state: await start(key) }, browser).expect(302);
    expect(res.headers.location).toBe(failure('exchange_failed'));
    expect(h.gh.calls.some((c) => c.path === '/login/oauth/access_token' && c.status === 200)).toBe(true);
    expect(await rows(user.id)).toHaveLength(0);
  });

  it('redirects with installation_verify_failed when GitHub fails while proving the installation', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'z' } });
    const { code } = h.gh.addUser({ login: `down-${iid}`, installations: [iid] });
    const { user, key, browser } = await userWithKey();
    h.gh.fault({ kind: '5xx', path: '/user/installations', times: 5 });
    const res = await callback({ installation_id: String(iid), code, state: await start(key) }, browser).expect(302);
    expect(res.headers.location).toBe(failure('installation_verify_failed'));
    expect(await rows(user.id)).toHaveLength(0);
    h.gh.clearFaults();
  });

  it('needs user:write to start', async () => {
    const user = await createUser(h.t.app);
    const key = await createApiKey(h.t.app, user, ['user:read']);
    const res = await h.t.http().post('/api/users/@me/integrations/github/start/').set('Authorization', `Bearer ${key}`).expect(403);
    expect(res.body.detail).toBe("API key missing required scope 'user:write'");
  });
});
