import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SecretBox } from '#libs/core';
import { createApiKey, loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { newInstallationId, startGithubHarness, type GithubHarness } from './support/github-harness.js';
import { keysMatching } from '../../support/redis.js';

const FRONTEND = 'http://frontend.test';
const SUCCESS = `${FRONTEND}/settings/user?github_link_success=1`;
const failure = (reason: string) => `${FRONTEND}/settings/user?github_link_error=${reason}`;
const CALLBACK_URL = 'http://api.test/api/integrations/github/callback';
const CALLBACK_PATH = '/api/integrations/github/callback';

const callbackPath = (params: Record<string, string>) => {
  const query = new URLSearchParams(params).toString();
  return query ? `${CALLBACK_PATH}?${query}` : CALLBACK_PATH;
};

async function startFor(client: SessionClient): Promise<string> {
  const res = await client.post('/api/users/@me/integrations/github/start/').expect(200);
  return new URL(res.body.install_url).searchParams.get('state')!;
}

describe('the GitHub callback is bound to the starting user\'s session', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness({ config: { GITHUB_CALLBACK_URL: CALLBACK_URL } });
  });
  afterAll(() => h.close());
  const rows = async (userId: number) =>
    (await h.t.dataSource.query('SELECT installation_id, account, repository_selection FROM github_integrations WHERE user_id = $1 ORDER BY installation_id', [userId])) as Array<{ installation_id: string; account: { login: string }; repository_selection: string }>;

  it('sends a browser without a session to log in, with the callback as next, whatever the parameters; nothing is consumed', async () => {
    const { client } = await loggedInUser(h.t.app);
    const state = await startFor(client);
    const cases: Array<Record<string, string>> = [{ installation_id: '5', setup_action: 'install', code: 'c', state }, {}, { error: 'access_denied' }, { setup_action: 'update', installation_id: '5' }];
    for (const params of cases) {
      const path = callbackPath(params);
      const res = await h.t.http().get(path).expect(302);
      expect(res.headers.location).toBe(`${FRONTEND}/login?next=${encodeURIComponent(path)}`);
    }
    expect(await h.t.redis.exists(`gh:oauthstate:${state}`)).toBe(1);
    // An expired or forged session counts as none.
    const res = await h.t.http().get(callbackPath({ state })).set('Cookie', 'sessionid=not-a-live-session-id-xxxxxxxx').expect(302);
    expect(res.headers.location).toMatch(`${FRONTEND}/login?next=`);
  });

  it("answers another user's session with invalid_state, leaving the state for its owner", async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: `acct-${iid}` } });
    const login = `owner-${iid}`;
    h.gh.addUser({ login, installations: [iid] });
    const owner = await loggedInUser(h.t.app);
    const intruder = await loggedInUser(h.t.app);
    const state = await startFor(owner.client);
    const params = { installation_id: String(iid), setup_action: 'install', code: h.gh.newCode(login), state };
    expect((await intruder.client.get(callbackPath(params)).expect(302)).headers.location).toBe(failure('invalid_state'));
    expect(await rows(intruder.user.id)).toHaveLength(0);
    expect(await h.t.redis.exists(`gh:oauthstate:${state}`)).toBe(1);
    expect((await owner.client.get(callbackPath(params)).expect(302)).headers.location).toBe(SUCCESS);
    expect(await rows(owner.user.id)).toHaveLength(1);
  });

  it("maps GitHub's error parameter before anything else", async () => {
    const { client } = await loggedInUser(h.t.app);
    const state = await startFor(client);
    expect((await client.get(callbackPath({ error: 'access_denied', state })).expect(302)).headers.location).toBe(failure('access_denied'));
    expect((await client.get(callbackPath({ error: 'server_error', state })).expect(302)).headers.location).toBe(failure('github_oauth_error'));
    expect(await h.t.redis.exists(`gh:oauthstate:${state}`)).toBe(1);
  });

  it('stores the user tokens sealed: never in plaintext, opened only with the server secret', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: `sealed-${iid}` } });
    const login = `sealed-user-${iid}`;
    h.gh.addUser({ login, installations: [iid] });
    const { user, client } = await loggedInUser(h.t.app);
    const state = await startFor(client);
    h.gh.resetCalls();
    await client.get(callbackPath({ installation_id: String(iid), code: h.gh.newCode(login), state })).expect(302);
    const [row] = await h.t.dataSource.query('SELECT * FROM github_integrations WHERE user_id = $1', [user.id]);
    expect(row.user_access_token).toMatch(/^v1\./);
    expect(row.user_refresh_token).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toMatch(/gh[ur]_/);
    const box = new SecretBox([h.t.config.SECRET_KEY], 'github-user-tokens');
    const access = box.open(row.user_access_token);
    expect(access).toMatch(/^ghu_/);
    expect(h.gh.calls.some((c) => c.auth === access && c.path === '/user')).toBe(true);
    expect(box.open(row.user_refresh_token)).toMatch(/^ghr_/);
    // Expiries from the token answer (GitHub: 8 hours, about 6 months).
    expect(Math.abs(new Date(row.user_access_token_expires_at).getTime() - Date.now() - 8 * 3600_000)).toBeLessThan(60_000);
    expect(new Date(row.user_refresh_token_expires_at).getTime()).toBeGreaterThan(Date.now() + 150 * 24 * 3600_000);
    // Never returned.
    const list = await client.get('/api/users/@me/integrations/').expect(200);
    expect(list.text).not.toMatch(/gh[ur]_|v1\./);
  });

  it('answers installation_fetch_failed / installation_token_failed when the App cannot read or act for the installation, linking nothing', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: `mint-${iid}` } });
    const login = `mint-user-${iid}`;
    h.gh.addUser({ login, installations: [iid] });
    const { user, client } = await loggedInUser(h.t.app);
    const link = async () => (await client.get(callbackPath({ installation_id: String(iid), code: h.gh.newCode(login), state: await startFor(client) })).expect(302)).headers.location;
    h.gh.fault({ kind: '404', path: new RegExp(`^/app/installations/${iid}$`) });
    expect(await link()).toBe(failure('installation_fetch_failed'));
    h.gh.fault({ kind: '5xx', path: `/app/installations/${iid}/access_tokens`, times: 5 });
    expect(await link()).toBe(failure('installation_token_failed'));
    h.gh.clearFaults();
    expect(await rows(user.id)).toHaveLength(0);
    expect(await link()).toBe(SUCCESS);
  });

  describe('setup_action=update without a code (the App is already installed on the account)', () => {
    it('detours through GitHub OAuth and links every installation the user can see', async () => {
      const a = newInstallationId();
      const b = newInstallationId();
      h.gh.addInstallation({ id: a, account: { login: `a-${a}` }, repos: 1 });
      h.gh.addInstallation({ id: b, account: { login: `b-${b}`, type: 'Organization' }, repos: 1 });
      const login = `detour-${a}`;
      h.gh.addUser({ login, installations: [a, b] });
      const { user, client } = await loggedInUser(h.t.app);
      const state = await startFor(client);
      const detour = await client.get(callbackPath({ installation_id: String(a), setup_action: 'update', state })).expect(302);
      const authorize = new URL(detour.headers.location);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.gh.url}/login/oauth/authorize`);
      expect(authorize.searchParams.get('client_id')).toBe(h.gh.clientId);
      expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK_URL);
      const discover = authorize.searchParams.get('state')!;
      expect(discover).not.toBe(state);
      expect(await h.t.redis.exists(`gh:oauthstate:${state}`)).toBe(0);
      expect(await rows(user.id)).toHaveLength(0);
      // The browser visits GitHub, which sends it back with a code.
      h.gh.signInAs(login);
      const approved = await fetch(authorize, { redirect: 'manual' });
      expect(approved.status).toBe(302);
      const back = new URL(approved.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(CALLBACK_URL);
      const done = await client.get(`${back.pathname}${back.search}`).expect(302);
      expect(done.headers.location).toBe(SUCCESS);
      expect((await rows(user.id)).map((r) => Number(r.installation_id))).toEqual([a, b].sort((x, y) => x - y));
      // The exchange repeated the redirect_uri (the fake refuses a mismatch).
      expect(h.gh.authorizeRedirects.at(-1)).toBe(CALLBACK_URL);
      // The discover state is single use.
      expect((await client.get(`${back.pathname}${back.search}`).expect(302)).headers.location).toBe(failure('invalid_state'));
    });

    it('sends a user who can see no installation on to the App install page', async () => {
      const login = `nothing-${newInstallationId()}`;
      h.gh.addUser({ login, installations: [] });
      const { user, client } = await loggedInUser(h.t.app);
      const state = await startFor(client);
      const detour = await client.get(callbackPath({ installation_id: '77', setup_action: 'update', state })).expect(302);
      h.gh.signInAs(login);
      const back = new URL((await fetch(detour.headers.location, { redirect: 'manual' })).headers.get('location')!);
      const res = await client.get(`${back.pathname}${back.search}`).expect(302);
      const install = new URL(res.headers.location);
      expect(`${install.origin}${install.pathname}`).toBe(`${h.gh.url}/apps/${h.gh.appSlug}/installations/new`);
      expect(await h.t.redis.exists(`gh:oauthstate:${install.searchParams.get('state')}`)).toBe(1);
      expect(await rows(user.id)).toHaveLength(0);
    });

    it('answers missing_params when neither code nor installation_id comes back', async () => {
      const { client } = await loggedInUser(h.t.app);
      expect((await client.get(callbackPath({ setup_action: 'update', state: await startFor(client) })).expect(302)).headers.location).toBe(failure('missing_params'));
    });
  });

  describe('"Configure" on GitHub after prepare_callback', () => {
    it('re-reads the installation for the existing row, without code or state, and burns the pending state', async () => {
      const iid = newInstallationId();
      h.gh.addInstallation({ id: iid, account: { login: `conf-${iid}` }, repositorySelection: 'selected' });
      const login = `conf-user-${iid}`;
      h.gh.addUser({ login, installations: [iid] });
      const { user, client } = await loggedInUser(h.t.app);
      await client.get(callbackPath({ installation_id: String(iid), code: h.gh.newCode(login), state: await startFor(client) })).expect(302);
      expect((await rows(user.id))[0]!.repository_selection).toBe('selected');
      // On GitHub the user switches the installation to all repositories.
      h.gh.addInstallation({ id: iid, account: { login: `conf-${iid}` }, repositorySelection: 'all' });
      expect((await client.post('/api/users/@me/integrations/github/prepare_callback/', { installation_id: String(iid) }).expect(204)).text).toBe('');
      const res = await client.get(callbackPath({ installation_id: String(iid), setup_action: 'update' })).expect(302);
      expect(res.headers.location).toBe(SUCCESS);
      expect((await rows(user.id))[0]!.repository_selection).toBe('all');
      expect(await h.t.redis.exists(`gh:oauthpending:${user.id}:${iid}`)).toBe(0);
      // Burnt: the same return again has nothing pending.
      expect((await client.get(callbackPath({ installation_id: String(iid), setup_action: 'update' })).expect(302)).headers.location).toBe(failure('missing_params'));
    });

    it('answers invalid_installation for an installation the user has not linked; another user cannot use the pending state', async () => {
      const iid = newInstallationId();
      h.gh.addInstallation({ id: iid, account: { login: `nolink-${iid}` } });
      const { client } = await loggedInUser(h.t.app);
      const other = await loggedInUser(h.t.app);
      await client.post('/api/users/@me/integrations/github/prepare_callback/', { installation_id: iid }).expect(204);
      expect((await other.client.get(callbackPath({ installation_id: String(iid), setup_action: 'update' })).expect(302)).headers.location).toBe(failure('missing_params'));
      expect((await client.get(callbackPath({ installation_id: String(iid), setup_action: 'update' })).expect(302)).headers.location).toBe(failure('invalid_installation'));
    });

    it('validates installation_id (string or integer) and accepts a user:write key', async () => {
      const { user, client } = await loggedInUser(h.t.app);
      const bad = async (body: object, code: string, detail: string) => {
        const res = await client.post('/api/users/@me/integrations/github/prepare_callback/', body).expect(400);
        expect(res.body).toEqual({ type: 'validation_error', code, detail, attr: 'installation_id' });
      };
      await bad({}, 'required', 'This field is required.');
      await bad({ installation_id: 'abc' }, 'invalid_input', 'A valid installation id is required.');
      await bad({ installation_id: 0 }, 'invalid_input', 'A valid installation id is required.');
      await bad({ installation_id: 1.5 }, 'invalid_input', 'A valid installation id is required.');
      await bad({ installation_id: true }, 'invalid_input', 'Not a valid string.');
      expect(await keysMatching(h.t.redis, `gh:oauthpending:${user.id}:*`)).toEqual([]);
      const key = await createApiKey(h.t.app, user, ['user:write']);
      await h.t.http().post('/api/users/@me/integrations/github/prepare_callback/').set('Authorization', `Bearer ${key}`).send({ installation_id: 42 }).expect(204);
      const readOnly = await createApiKey(h.t.app, user, ['user:read']);
      await h.t.http().post('/api/users/@me/integrations/github/prepare_callback/').set('Authorization', `Bearer ${readOnly}`).send({ installation_id: 42 }).expect(403);
    });
  });
});

describe('the OAuth detour without GITHUB_CALLBACK_URL', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness();
  });
  afterAll(() => h.close());

  it("sends this API's own callback route as redirect_uri", async () => {
    const { client } = await loggedInUser(h.t.app);
    const state = await startFor(client);
    const detour = await client.get(callbackPath({ installation_id: '9', setup_action: 'update', state })).expect(302);
    expect(new URL(detour.headers.location).searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/integrations\/github\/callback$/);
  });
});
