import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SecretBox } from '#libs/core';
import { loggedInUser, type SessionClient } from '../../support/fixtures.js';
import { newInstallationId, startGithubHarness, type GithubHarness } from './support/github-harness.js';

const ALL_LINKED = { type: 'validation_error', code: 'invalid_input', detail: 'All GitHub App installations accessible to your account are already linked.', attr: null };

const startFor = (client: SessionClient) => client.post('/api/users/@me/integrations/github/start/');

describe('start when everything is linked, and the user token at half-life', () => {
  let h: GithubHarness;
  let box: SecretBox;
  beforeAll(async () => {
    h = await startGithubHarness();
    box = new SecretBox([h.t.config.SECRET_KEY], 'github-user-tokens');
  });
  afterAll(() => h.close());

  const row = async (userId: number) => (await h.t.dataSource.query('SELECT * FROM github_integrations WHERE user_id = $1', [userId]))[0];
  const refreshCalls = () => h.gh.calls.filter((c) => c.path === '/login/oauth/access_token' && c.method === 'POST').length;
  /** Moves the token's issue time back by `hours` (its 8-hour life with it). */
  const ageToken = (userId: number, hours: number) =>
    h.t.dataSource.query(
      `UPDATE github_integrations SET user_token_refreshed_at = user_token_refreshed_at - make_interval(secs => $2::float8 * 3600),
         user_access_token_expires_at = user_access_token_expires_at - make_interval(secs => $2::float8 * 3600) WHERE user_id = $1`,
      [userId, hours],
    );

  /** A user who linked `installations[0]` through the real flow; the GitHub account can see all of `installations`. */
  async function connected(installations: number[]) {
    for (const id of installations) h.gh.addInstallation({ id, account: { login: `acct-${id}` } });
    const login = `tok-${installations[0]}`;
    h.gh.addUser({ login, installations });
    const { user, client } = await loggedInUser(h.t.app);
    const state = new URL((await startFor(client).expect(200)).body.install_url).searchParams.get('state')!;
    const res = await client.get(`/api/integrations/github/callback?${new URLSearchParams({ installation_id: String(installations[0]), code: h.gh.newCode(login), state })}`);
    expect(res.headers.location).toMatch(/github_link_success=1$/);
    return { user, client };
  }

  it('refuses start when every installation the account can see is linked, changing nothing', async () => {
    const { user, client } = await connected([newInstallationId()]);
    const before = await row(user.id);
    h.gh.resetCalls();
    const res = await startFor(client).expect(400);
    expect(res.body).toEqual(ALL_LINKED);
    expect(await row(user.id)).toEqual(before);
    expect(refreshCalls()).toBe(0);
    expect(h.gh.calls.filter((c) => c.path === '/user/installations')).toHaveLength(1);
  });

  it('answers the install URL when an installation is left to link, or when GitHub fails', async () => {
    const [a, b] = [newInstallationId(), newInstallationId()];
    const { client } = await connected([a, b]);
    expect((await startFor(client).expect(200)).body.connect_flow).toBe('app_install');
    const solo = await connected([newInstallationId()]);
    h.gh.fault({ kind: '5xx', path: '/user/installations', times: 3 });
    await startFor(solo.client).expect(200);
    h.gh.clearFaults();
  });

  it('before half-life the stored token is used as is; past it the token is refreshed and the refresh token rotates', async () => {
    const { user, client } = await connected([newInstallationId()]);
    const first = await row(user.id);
    const firstRefresh = box.open(first.user_refresh_token);
    await ageToken(user.id, 3.5);
    h.gh.resetCalls();
    await startFor(client).expect(400);
    expect(refreshCalls()).toBe(0);
    const used = h.gh.calls.find((c) => c.path === '/user/installations')!.auth;
    expect(used).toBe(box.open(first.user_access_token));

    await ageToken(user.id, 1); // now 4.5 h into an 8 h life: past half
    h.gh.resetCalls();
    await startFor(client).expect(400);
    expect(refreshCalls()).toBe(1);
    const second = await row(user.id);
    const newAccess = box.open(second.user_access_token);
    expect(newAccess).not.toBe(box.open(first.user_access_token));
    expect(h.gh.calls.find((c) => c.path === '/user/installations')!.auth).toBe(newAccess);
    expect(box.open(second.user_refresh_token)).not.toBe(firstRefresh);
    expect(h.gh.isLiveRefreshToken(firstRefresh)).toBe(false);
    expect(h.gh.isLiveRefreshToken(box.open(second.user_refresh_token))).toBe(true);
    expect(Math.abs(new Date(second.user_token_refreshed_at).getTime() - Date.now())).toBeLessThan(10_000);
    expect(Math.abs(new Date(second.user_access_token_expires_at).getTime() - Date.now() - 8 * 3600_000)).toBeLessThan(10_000);
    // Fresh again: no second refresh.
    h.gh.resetCalls();
    await startFor(client).expect(400);
    expect(refreshCalls()).toBe(0);
  });

  it.each(['bad_refresh_token', 'incorrect_client_credentials', 'refresh_token_expired', 'unauthorized_client'])(
    'deletes the row when the refresh answers %s (the user must connect again)',
    async (error) => {
      const { user, client } = await connected([newInstallationId()]);
      await ageToken(user.id, 5);
      h.gh.failNextRefresh(error);
      expect((await startFor(client).expect(200)).body.connect_flow).toBe('app_install');
      expect(await row(user.id)).toBeUndefined();
      expect((await client.get('/api/users/@me/integrations/').expect(200)).body.count).toBe(0);
    },
  );

  it('keeps the row when the refresh fails otherwise, and answers the install URL', async () => {
    const { user, client } = await connected([newInstallationId()]);
    await ageToken(user.id, 5);
    const before = await row(user.id);
    h.gh.failNextRefresh('server_error');
    await startFor(client).expect(200);
    expect(await row(user.id)).toEqual(before);
  });

  it('deletes the row without calling GitHub when the refresh token itself has expired', async () => {
    const { user, client } = await connected([newInstallationId()]);
    await h.t.dataSource.query(`UPDATE github_integrations SET user_refresh_token_expires_at = now() - interval '1 minute' WHERE user_id = $1`, [user.id]);
    h.gh.resetCalls();
    await startFor(client).expect(200);
    expect(refreshCalls()).toBe(0);
    expect(await row(user.id)).toBeUndefined();
  });

  it('keeps rows linked before tokens were stored, and skips the check for them', async () => {
    const { user, client } = await connected([newInstallationId()]);
    await h.t.dataSource.query('UPDATE github_integrations SET user_access_token = NULL, user_refresh_token = NULL WHERE user_id = $1', [user.id]);
    h.gh.resetCalls();
    await startFor(client).expect(200);
    expect(h.gh.calls).toHaveLength(0);
    expect(await row(user.id)).toBeDefined();
  });
});

describe('user tokens when the App has token expiry off', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness({ fake: { userTokenTtlS: null } });
  });
  afterAll(() => h.close());

  it('stores a token without expiries and never refreshes it', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: `noexp-${iid}` } });
    const login = `noexp-user-${iid}`;
    h.gh.addUser({ login, installations: [iid] });
    const { user, client } = await loggedInUser(h.t.app);
    const state = new URL((await startFor(client).expect(200)).body.install_url).searchParams.get('state')!;
    await client.get(`/api/integrations/github/callback?${new URLSearchParams({ installation_id: String(iid), code: h.gh.newCode(login), state })}`).expect(302);
    const [row] = await h.t.dataSource.query('SELECT * FROM github_integrations WHERE user_id = $1', [user.id]);
    expect(row).toMatchObject({ user_refresh_token: null, user_access_token_expires_at: null, user_refresh_token_expires_at: null });
    await h.t.dataSource.query(`UPDATE github_integrations SET user_token_refreshed_at = now() - interval '30 days' WHERE user_id = $1`, [user.id]);
    h.gh.resetCalls();
    expect((await startFor(client).expect(400)).body).toEqual(ALL_LINKED);
    expect(h.gh.calls.filter((c) => c.path === '/login/oauth/access_token')).toHaveLength(0);
  });
});
