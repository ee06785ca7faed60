import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ageCache, ageToken, eventually, linkedUser, meta, mints, newInstallationId, repoCalls, startGithubHarness, type GithubHarness } from './support/github-harness.js';
import { keysMatching } from '../../support/redis.js';

describe('GitHub faults in the worker', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness({ config: { GITHUB_REFRESH_WAIT_MS: 2000 } });
  });
  afterAll(() => h.close());

  const get = (key: string, iid: number) => h.t.http().get(`/api/users/@me/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${key}`);
  const refresh = (key: string, iid: number) => h.t.http().post(`/api/users/@me/integrations/github/${iid}/repos/refresh/`).set('Authorization', `Bearer ${key}`);
  const status = async (key: string) => (await h.t.http().get('/api/users/@me/integrations/').set('Authorization', `Bearer ${key}`).expect(200)).body.results[0].status;

  async function warm(repos = 30) {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos });
    const linked = await linkedUser(h, iid);
    await get(linked.key, iid).expect(200);
    return { iid, ...linked };
  }

  it('shares one installation token through Redis until shortly before it expires', async () => {
    const { iid, key } = await warm(10);
    for (let i = 0; i < 3; i++) {
      await ageCache(h, iid, 60_000);
      await refresh(key, iid).expect(200);
    }
    expect(mints(h.gh, iid)).toBe(1);
    const ttl = await h.t.redis.pttl(`gh:inst:{${iid}}:token`);
    expect(ttl).toBeGreaterThan(50 * 60_000);
    expect(ttl).toBeLessThanOrEqual(55 * 60_000);
  });

  it('mints a new token once when the shared one is rejected (401)', async () => {
    const { iid, key } = await warm(10);
    h.gh.expireTokens();
    await ageToken(h, iid);
    await ageCache(h, iid, 60_000);
    await refresh(key, iid).expect(200);
    expect(mints(h.gh, iid)).toBe(2);
  });

  it('marks an installation uninstalled on GitHub (404 on token mint) deleted, purges its cache and does not retry', async () => {
    const { iid, key } = await warm(10);
    h.gh.uninstall(iid);
    await h.t.redis.del(`gh:inst:{${iid}}:token`);
    await ageCache(h, iid, 60_000);
    const res = await refresh(key, iid).expect(410);
    expect(res.body).toEqual({ type: 'invalid_request', code: 'installation_deleted', detail: 'This GitHub installation was removed on GitHub; connect it again.', attr: null });
    expect((await get(key, iid).expect(410)).body.code).toBe('installation_deleted');
    expect(await status(key)).toBe('deleted');
    expect(await keysMatching(h.t.redis, `gh:inst:{${iid}}:repos:*`)).toEqual([]);
    expect((await meta(h, iid)).status).toBe('deleted');
    // Whatever the event or call queued has run before anything is asserted not to have happened.
    await h.drain();
    expect(mints(h.gh, iid)).toBe(2);
  });

  it('learns that a cached token\'s installation was uninstalled (401, then 404 on the new mint)', async () => {
    const { iid, key } = await warm(10);
    h.gh.uninstall(iid);
    await ageToken(h, iid);
    await ageCache(h, iid, 60_000);
    await refresh(key, iid).expect(410);
    expect(await status(key)).toBe('deleted');
  });

  it('keeps serving a suspended installation\'s cache as stale and stops refreshing it', async () => {
    const { iid, key } = await warm(12);
    h.gh.suspend(iid);
    await ageCache(h, iid, 2 * 3600 * 1000);
    const res = await refresh(key, iid).expect(200);
    expect(res.body.repositories).toHaveLength(12);
    expect(await status(key)).toBe('suspended');
    const calls = repoCalls(h.gh, iid);
    const listed = await get(key, iid).expect(200);
    expect(listed.body).toMatchObject({ total: 12, stale: true });
    await refresh(key, iid).expect(200);
    // Whatever the event or call queued has run before anything is asserted not to have happened.
    await h.drain();
    expect(repoCalls(h.gh, iid)).toBe(calls);
  });

  it('retries a persistent 5xx with job backoff until GitHub recovers, serving the old list meanwhile', async () => {
    const { iid, key } = await warm(20);
    h.gh.setRepos(iid, 22);
    await ageCache(h, iid, 60_000);
    // requestRetries=1: each job attempt makes two requests; the third attempt succeeds.
    h.gh.fault({ kind: '5xx', path: '/installation/repositories', times: 4 });
    await refresh(key, iid).expect(502);
    expect((await get(key, iid).expect(200)).body.total).toBe(20);
    await eventually(async () => (await get(key, iid).expect(200)).body.total === 22);
    const statuses = h.gh.calls.filter((c) => c.installationId === iid && c.path === '/installation/repositories').map((c) => c.status);
    expect(statuses.slice(-5)).toEqual([500, 500, 500, 500, 200]);
  });
});
