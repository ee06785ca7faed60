import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ageCache, eventually, linkedUser, meta, newInstallationId, repoCalls, startGithubHarness, sweeps, type GithubHarness } from './support/github-harness.js';
import { keysMatching } from '../../support/redis.js';

describe('POST .../integrations/github/<id>/repos/refresh/', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness({ config: { GITHUB_REFRESH_WAIT_MS: 1500 } });
  });
  afterAll(() => h.close());

  const refresh = (key: string, iid: number) => h.t.http().post(`/api/users/@me/integrations/github/${iid}/repos/refresh/`).set('Authorization', `Bearer ${key}`);
  const get = (key: string, iid: number) => h.t.http().get(`/api/users/@me/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${key}`);

  async function warmInstallation(repos = 120) {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos });
    const linked = await linkedUser(h, iid);
    await get(linked.key, iid).expect(200);
    return { iid, ...linked };
  }

  it('returns the cached list without calling GitHub within the 30 s cooldown', async () => {
    const { iid, key } = await warmInstallation(120);
    const before = h.gh.calls.length;
    const res = await refresh(key, iid).expect(200);
    expect(res.body.repositories).toHaveLength(120);
    expect(res.body.refreshed_at).toBe(new Date((await meta(h, iid)).syncedAt!).toISOString());
    expect(h.gh.calls.length).toBe(before);
  });

  it('refreshes after the cooldown and returns every repository (an unchanged list: one 304)', async () => {
    const { iid, key } = await warmInstallation(120);
    await ageCache(h, iid, 31_000);
    const old = (await meta(h, iid)).syncedAt!;
    h.gh.resetCalls();
    const res = await refresh(key, iid).expect(200);
    expect(res.body.repositories).toHaveLength(120);
    expect(Date.parse(res.body.refreshed_at)).toBeGreaterThan(old);
    expect(h.gh.calls.filter((c) => c.installationId === iid).map((c) => c.status)).toEqual([304]);
    h.gh.setRepos(iid, 130);
    await ageCache(h, iid, 31_000);
    expect((await refresh(key, iid).expect(200)).body.repositories).toHaveLength(130);
  });

  it('runs at most two sweeps for 25 parallel refreshes, and every caller gets the list', async () => {
    const { iid, key } = await warmInstallation(120);
    h.gh.setRepos(iid, 121);
    await ageCache(h, iid, 60_000);
    h.gh.resetCalls();
    h.gh.fault({ kind: 'slow', path: '/installation/repositories', delayMs: 200 });
    const results = await Promise.all(Array.from({ length: 25 }, () => refresh(key, iid)));
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(results.every((r) => r.body.repositories.length === 121)).toBe(true);
    expect(sweeps(h.gh, iid)).toBeGreaterThanOrEqual(1);
    expect(sweeps(h.gh, iid)).toBeLessThanOrEqual(2);
  });

  it('answers 202 {"status":"queued"} when the refresh outlasts the wait, and finishes in the background', async () => {
    const { iid, key } = await warmInstallation(10);
    h.gh.setRepos(iid, 11);
    await ageCache(h, iid, 60_000);
    h.gh.fault({ kind: 'slow', path: '/installation/repositories', delayMs: 2000 });
    expect((await refresh(key, iid).expect(202)).body).toEqual({ status: 'queued' });
    await eventually(async () => (await get(key, iid).expect(200)).body.total === 11);
  });

  it('answers 502 github_unavailable on GitHub errors and keeps the previous cache', async () => {
    const { iid, key } = await warmInstallation(40);
    const before = await get(key, iid).expect(200);
    h.gh.setRepos(iid, 45);
    await ageCache(h, iid, 60_000);
    h.gh.fault({ kind: '5xx', status: 502, path: '/installation/repositories', times: 1000 });
    const res = await refresh(key, iid).expect(502);
    expect(res.body).toEqual({ type: 'server_error', code: 'github_unavailable', detail: 'GitHub could not be reached; the cached list was kept. Retry shortly.', attr: null });
    const after = await get(key, iid).expect(200);
    expect(after.body.total).toBe(40);
    expect(after.body.repositories).toEqual(before.body.repositories);
    h.gh.clearFaults();
    // Once GitHub answers again, the next refresh lands the new list.
    await eventually(async () => (await refresh(key, iid)).body.repositories?.length === 45);
  });

  it('retries a transient 5xx inside the job (plugin-retry) and succeeds', async () => {
    const { iid, key } = await warmInstallation(40);
    h.gh.setRepos(iid, 41);
    await ageCache(h, iid, 60_000);
    h.gh.fault({ kind: '5xx', path: '/installation/repositories', times: 1 });
    expect((await refresh(key, iid).expect(200)).body.repositories).toHaveLength(41);
  });

  it('keeps the previous snapshot when a sweep fails mid-pagination, then lands the complete one', async () => {
    const { iid, key } = await warmInstallation(250);
    h.gh.setRepos(iid, 260);
    await ageCache(h, iid, 60_000);
    h.gh.failOnPage(2, { times: 100 });
    await refresh(key, iid).expect(502);
    expect((await get(key, iid).expect(200)).body.total).toBe(250);
    h.gh.clearFaults();
    await eventually(async () => (await refresh(key, iid)).body.repositories?.length === 260);
    expect(await keysMatching(h.t.redis, `gh:inst:{${iid}}:repos:*`)).toHaveLength(1);
  });

  it('answers 503 github_rate_limited with Retry-After on a primary rate limit, calls GitHub no more until the reset, then resumes', async () => {
    const { iid, key } = await warmInstallation(20);
    h.gh.setRepos(iid, 21);
    await ageCache(h, iid, 60_000);
    h.gh.fault({ kind: 'primary-rate-limit', path: '/installation/repositories', resetInS: 2 });
    const res = await refresh(key, iid).expect(503);
    expect(res.body).toMatchObject({ type: 'server_error', code: 'github_rate_limited', attr: null });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(4);
    const calls = repoCalls(h.gh, iid);
    // While blocked: answered from Redis, no GitHub call, the cache still served.
    expect((await refresh(key, iid).expect(503)).body.code).toBe('github_rate_limited');
    expect((await get(key, iid).expect(200)).body.total).toBe(20);
    expect(repoCalls(h.gh, iid)).toBe(calls);
    // The delayed job (not a failure) runs after the reset and lands the list.
    await eventually(async () => (await get(key, iid).expect(200)).body.total === 21);
    const jobs = await h.queue.getJobs(['failed']);
    expect(jobs.filter((j) => j.data.installationId === iid)).toHaveLength(0);
  });

  it('answers 503 github_rate_limited with the Retry-After of a secondary rate limit', async () => {
    const { iid, key } = await warmInstallation(20);
    await ageCache(h, iid, 60_000);
    h.gh.fault({ kind: 'secondary-rate-limit', path: '/installation/repositories', retryAfterS: 3 });
    const res = await refresh(key, iid).expect(503);
    expect(res.body.code).toBe('github_rate_limited');
    expect(res.headers['retry-after']).toBe('3');
    expect((await get(key, iid).expect(200)).body.total).toBe(20);
  });

  it('needs user:write and the integration', async () => {
    const { iid, user } = await warmInstallation(3);
    const { createApiKey } = await import('../../support/fixtures.js');
    const readOnly = await createApiKey(h.t.app, user, ['user:read']);
    expect((await refresh(readOnly, iid).expect(403)).body.detail).toBe("API key missing required scope 'user:write'");
    const other = await linkedUser(h, newInstallationId());
    expect((await refresh(other.key, iid).expect(404)).body.detail).toBe('No GitHub integration found for this installation.');
  });
});
