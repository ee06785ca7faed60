import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { eventually, linkedUser, newInstallationId, startGithubHarness, type GithubHarness } from './support/github-harness.js';

describe('GET .../integrations/github/<id>/branches/', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness({ config: { GITHUB_COLD_WAIT_MS: 1500 } });
  });
  afterAll(() => h.close());

  const get = (key: string, iid: number | string, query: string) =>
    h.t.http().get(`/api/users/@me/integrations/github/${iid}/branches/${query}`).set('Authorization', `Bearer ${key}`);
  const branchCalls = (full: string) => h.gh.calls.filter((c) => c.path === `/repos/${full}/branches`);

  async function repoWithBranches(branches: string[], defaultBranch = 'main') {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos: [{ name: `app-${iid}`, default_branch: defaultBranch }] });
    const full = `octo/app-${iid}`;
    h.gh.setBranches(full, branches);
    return { iid, full, ...(await linkedUser(h, iid)) };
  }

  it('fills a cold cache (every page), lists the default branch first then by name, then serves with no GitHub call', async () => {
    const names = ['zeta', 'main', ...Array.from({ length: 130 }, (_, i) => `feature/${String(i).padStart(3, '0')}`), 'alpha'];
    const { iid, full, key } = await repoWithBranches(names);
    const res = await get(key, iid, `?repo=${full}`).expect(200);
    expect(res.body).toMatchObject({ default_branch: 'main', total: 133, has_more: true, stale: false });
    expect(res.body.branches.slice(0, 3)).toEqual(['main', 'alpha', 'feature/000']);
    expect(res.body.branches).toHaveLength(100);
    expect(Date.parse(res.body.refreshed_at)).toBeGreaterThan(Date.now() - 10_000);
    expect(branchCalls(full).map((c) => c.query.per_page)).toEqual(['100', '100']);
    const before = h.gh.calls.length;
    const tail = await get(key, iid, `?repo=${full}&offset=130`).expect(200);
    expect(tail.body.branches).toEqual(['feature/128', 'feature/129', 'zeta']);
    expect(tail.body.has_more).toBe(false);
    expect(h.gh.calls.length).toBe(before);
  });

  it('searches case-insensitively and pages with limit/offset', async () => {
    const { iid, full, key } = await repoWithBranches(['main', 'Fix-Login', 'fix-logout', 'docs']);
    const found = await get(key, iid, `?repo=${full}&search=FIX&limit=1`).expect(200);
    expect(found.body).toMatchObject({ branches: ['Fix-Login'], total: 2, has_more: true, default_branch: 'main' });
    expect((await get(key, iid, `?repo=${full}&search=fix&limit=1&offset=1`).expect(200)).body).toMatchObject({ branches: ['fix-logout'], has_more: false });
    expect((await get(key, iid, `?repo=${full}&limit=1000`).expect(200)).body.total).toBe(4);
  });

  it('validates repo, limit and offset before the integration lookup', async () => {
    const user = await createUser(h.t.app);
    const key = await createApiKey(h.t.app, user, ['user:read']);
    const iid = newInstallationId();
    expect((await get(key, iid, '').expect(400)).body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'repo' });
    for (const bad of ['noslash', 'a/b/c', 'a/..', './b', 'a/b c', 'a/', '/b', 'ow%20ner/r']) {
      expect((await get(key, iid, `?repo=${bad}`).expect(400)).body).toEqual({
        type: 'validation_error', code: 'invalid_input', detail: 'repo must be in owner/repo format', attr: 'repo',
      });
    }
    expect((await get(key, iid, '?repo=a/b&limit=1001').expect(400)).body).toMatchObject({ code: 'max_value', attr: 'limit' });
    expect((await get(key, iid, '?repo=a/b&offset=-2').expect(400)).body).toMatchObject({ code: 'min_value', attr: 'offset' });
    expect((await get(key, iid, '?repo=my-org.x/re_po.js').expect(404)).body.detail).toBe('No GitHub integration found for this installation.');
  });

  it('answers 404 "Repository not found for this installation." when GitHub does not show the repo, from the cache afterwards', async () => {
    const { iid, key } = await repoWithBranches(['main']);
    const res = await get(key, iid, '?repo=octo/not-mine').expect(404);
    expect(res.body).toEqual({ type: 'invalid_request', code: 'not_found', detail: 'Repository not found for this installation.', attr: null });
    const before = h.gh.calls.length;
    await get(key, iid, '?repo=octo/not-mine').expect(404);
    expect(h.gh.calls.length).toBe(before);
  });

  it('serves stale branches with stale: true and refreshes them; the default branch is re-read only after 6 h', async () => {
    const { iid, full, key } = await repoWithBranches(['main', 'a']);
    await get(key, iid, `?repo=${full}`).expect(200);
    const cacheKey = `gh:inst:{${iid}}:br:${full.toLowerCase()}`;
    const entry = JSON.parse((await h.t.redis.get(cacheKey))!);
    await h.t.redis.set(cacheKey, JSON.stringify({ ...entry, synced_at: entry.synced_at - 11 * 60_000 }));
    h.gh.setBranches(full, ['main', 'a', 'b']);
    const stale = await get(key, iid, `?repo=${full}`).expect(200);
    expect(stale.body).toMatchObject({ stale: true, branches: ['main', 'a'] });
    await eventually(async () => (await get(key, iid, `?repo=${full}`).expect(200)).body.total === 3);
    expect(h.gh.calls.filter((c) => c.path === `/repos/${full}`)).toHaveLength(1);
  });

  it('answers 503 when the cold fill outlasts the wait, 410 for a deleted installation, and 404 without the integration', async () => {
    const { iid, full, key, user } = await repoWithBranches(['main']);
    h.gh.fault({ kind: 'slow', path: `/repos/${full}/branches`, delayMs: 2000 });
    const slow = await get(key, iid, `?repo=${full}`).expect(503);
    expect(slow.body).toEqual({ type: 'server_error', code: 'github_unavailable', detail: 'Branches are still being fetched from GitHub; retry shortly.', attr: null });
    expect(slow.headers['retry-after']).toBe('2');
    await eventually(async () => (await get(key, iid, `?repo=${full}`)).status === 200);
    await h.t.dataSource.query(`UPDATE github_integrations SET status = 'deleted' WHERE user_id = $1`, [user.id]);
    expect((await get(key, iid, `?repo=${full}`).expect(410)).body.code).toBe('installation_deleted');
    const other = await createApiKey(h.t.app, await createUser(h.t.app), ['user:read']);
    await get(other, iid, `?repo=${full}`).expect(404);
  });
});
