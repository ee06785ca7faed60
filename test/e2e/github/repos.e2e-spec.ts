import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { ageCache, eventually, linkedUser, meta, mints, newInstallationId, repoCalls, startGithubHarness, type GithubHarness } from './support/github-harness.js';
import { keysMatching } from '../../support/redis.js';

describe('GET .../integrations/github/<id>/repos/', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness({ config: { GITHUB_COLD_WAIT_MS: 1500 } });
  });
  afterAll(() => h.close());

  const get = (key: string, iid: number, query = '') => h.t.http().get(`/api/users/@me/integrations/github/${iid}/repos/${query}`).set('Authorization', `Bearer ${key}`);

  async function installation(repos: Parameters<GithubHarness['gh']['addInstallation']>[0]['repos'] = 250) {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos });
    return { iid, ...(await linkedUser(h, iid)) };
  }

  it('fills a cold cache through the worker (every page, one token), then serves it with no GitHub call', async () => {
    const { iid, key } = await installation(250);
    const cold = await get(key, iid).expect(200);
    expect(cold.body.total).toBe(250);
    expect(cold.body.repositories).toHaveLength(100);
    expect(cold.body.has_more).toBe(true);
    expect(cold.body.stale).toBe(false);
    expect(Date.parse(cold.body.refreshed_at)).toBeGreaterThan(Date.now() - 10_000);
    expect(cold.body.repositories[0]).toEqual({
      id: expect.any(Number), name: 'repo-00001', full_name: 'octo/repo-00001', private: expect.any(Boolean),
      default_branch: 'main', language: expect.anything(), pushed_at: expect.any(String), archived: false, can_push: expect.any(Boolean),
    });
    expect(repoCalls(h.gh, iid)).toBe(3);
    expect(h.gh.calls.filter((c) => c.installationId === iid && c.path === '/installation/repositories').every((c) => c.query.per_page === '100')).toBe(true);
    expect(mints(h.gh, iid)).toBe(1);
    const before = h.gh.calls.length;
    for (let i = 0; i < 5; i++) await get(key, iid, '?offset=200').expect(200);
    expect(h.gh.calls.length).toBe(before);
    const last = await get(key, iid, '?offset=200').expect(200);
    expect(last.body.repositories).toHaveLength(50);
    expect(last.body.has_more).toBe(false);
  });

  it('orders by full_name case-folded and searches a case-insensitive substring', async () => {
    const { iid, key } = await installation([{ name: 'beta' }, { name: 'Alpha' }, { name: 'gamma-ALPHA' }, { name: 'delta' }]);
    const all = await get(key, iid).expect(200);
    expect(all.body.repositories.map((r: { name: string }) => r.name)).toEqual(['Alpha', 'beta', 'delta', 'gamma-ALPHA']);
    const found = await get(key, iid, '?search=alPHa').expect(200);
    expect(found.body).toMatchObject({ total: 2, has_more: false });
    expect(found.body.repositories.map((r: { full_name: string }) => r.full_name)).toEqual(['octo/Alpha', 'octo/gamma-ALPHA']);
    expect((await get(key, iid, '?search=zzz').expect(200)).body).toMatchObject({ repositories: [], total: 0, has_more: false });
    // The owner is part of full_name.
    expect((await get(key, iid, '?search=OCTO/').expect(200)).body.total).toBe(4);
  });

  it('applies limit/offset at the edges', async () => {
    const { iid, key } = await installation(25);
    await get(key, iid).expect(200);
    const page = async (q: string) => (await get(key, iid, q).expect(200)).body;
    expect(await page('?limit=1')).toMatchObject({ total: 25, has_more: true, repositories: [expect.objectContaining({ name: 'repo-00001' })] });
    expect(await page('?limit=5&offset=20')).toMatchObject({ has_more: false });
    expect((await page('?limit=5&offset=20')).repositories).toHaveLength(5);
    expect(await page('?limit=5&offset=19')).toMatchObject({ has_more: true });
    expect(await page('?offset=25')).toMatchObject({ repositories: [], has_more: false, total: 25 });
    expect(await page('?limit=500&offset=1000')).toMatchObject({ repositories: [], has_more: false });
    const search = await page('?search=repo-0001&limit=3&offset=9');
    expect(search).toMatchObject({ total: 10, has_more: false });
    expect(search.repositories.map((r: { name: string }) => r.name)).toEqual(['repo-00019']);
  });

  it('validates the query before looking up the integration (400 with attr), then 404', async () => {
    const user = await createUser(h.t.app);
    const key = await createApiKey(h.t.app, user, ['user:read']);
    const iid = newInstallationId();
    const cases: Array<[string, string, string, string]> = [
      ['?limit=0', 'min_value', 'Ensure this value is greater than or equal to 1.', 'limit'],
      ['?limit=501', 'max_value', 'Ensure this value is less than or equal to 500.', 'limit'],
      ['?limit=abc', 'invalid_input', 'A valid integer is required.', 'limit'],
      ['?offset=-1', 'min_value', 'Ensure this value is greater than or equal to 0.', 'offset'],
      ['?offset=1.5', 'invalid_input', 'A valid integer is required.', 'offset'],
    ];
    for (const [query, code, detail, attr] of cases) {
      expect((await get(key, iid, query).expect(400)).body).toEqual({ type: 'validation_error', code, detail, attr });
    }
    expect((await get(key, iid, '?limit=500').expect(404)).body).toEqual({
      type: 'invalid_request', code: 'not_found', detail: 'No GitHub integration found for this installation.', attr: null,
    });
    expect((await get(key, 0).expect(404)).body.code).toBe('not_found');
    expect((await h.t.http().get('/api/users/@me/integrations/github/abc/repos/').set('Authorization', `Bearer ${key}`).expect(404)).body.code).toBe('not_found');
    expect(h.gh.calls.filter((c) => c.installationId === iid)).toHaveLength(0);
  });

  it('shares one cache between the users of an installation while access stays per user', async () => {
    const { iid, key } = await installation(30);
    await get(key, iid).expect(200);
    const other = await linkedUser(h, iid, 'octo-two');
    const before = h.gh.calls.length;
    expect((await get(other.key, iid).expect(200)).body.total).toBe(30);
    expect(h.gh.calls.length).toBe(before);
    const stranger = await createUser(h.t.app);
    const strangerKey = await createApiKey(h.t.app, stranger, ['user:read']);
    expect((await get(strangerKey, iid).expect(404)).body.detail).toBe('No GitHub integration found for this installation.');
  });

  it('serves a stale cache with stale: true and refreshes it in the background (an unchanged list costs one 304)', async () => {
    const { iid, key } = await installation(150);
    await get(key, iid).expect(200);
    const synced = (await meta(h, iid)).syncedAt!;
    await ageCache(h, iid, 2 * 3600 * 1000);
    h.gh.resetCalls();
    const stale = await get(key, iid).expect(200);
    expect(stale.body.stale).toBe(true);
    expect(stale.body.total).toBe(150);
    await eventually(async () => ((await meta(h, iid)).syncedAt ?? 0) >= synced);
    expect(h.gh.calls.filter((c) => c.installationId === iid).map((c) => c.status)).toEqual([304]);
    expect((await get(key, iid).expect(200)).body.stale).toBe(false);
  });

  it('picks up a changed list on the next refresh and drops removed repositories', async () => {
    const { iid, key } = await installation([{ name: 'one' }, { name: 'two' }]);
    await get(key, iid).expect(200);
    h.gh.setRepos(iid, [{ name: 'two' }, { name: 'three' }]);
    await ageCache(h, iid, 2 * 3600 * 1000);
    await get(key, iid).expect(200);
    await eventually(async () => (await get(key, iid).expect(200)).body.repositories.map((r: { name: string }) => r.name).join() === 'three,two');
    // One snapshot version is kept per installation.
    expect(await keysMatching(h.t.redis, `gh:inst:{${iid}}:repos:*`)).toHaveLength(1);
  });

  it('answers 503 github_unavailable with Retry-After: 2 when a cold fill outlasts the wait, and serves it once done', async () => {
    const { iid, key } = await installation(10);
    h.gh.fault({ kind: 'slow', path: '/installation/repositories', delayMs: 2500 });
    const res = await get(key, iid).expect(503);
    expect(res.body).toEqual({ type: 'server_error', code: 'github_unavailable', detail: 'Repositories are still being fetched from GitHub; retry shortly.', attr: null });
    expect(res.headers['retry-after']).toBe('2');
    await eventually(async () => (await meta(h, iid)).version !== undefined);
    expect((await get(key, iid).expect(200)).body.total).toBe(10);
  });

  it('answers 410 installation_deleted for an installation removed on GitHub', async () => {
    const { iid, key, user } = await installation(5);
    await get(key, iid).expect(200);
    await h.t.dataSource.query(`UPDATE github_integrations SET status = 'deleted' WHERE user_id = $1`, [user.id]);
    expect((await get(key, iid).expect(410)).body).toEqual({
      type: 'invalid_request', code: 'installation_deleted', detail: 'This GitHub installation was removed on GitHub; connect it again.', attr: null,
    });
  });

  it('lets staff read another user\'s repositories and refuses non-staff', async () => {
    const { iid, user } = await installation(3);
    const staff = await createUser(h.t.app, { isStaff: true });
    const staffKey = await createApiKey(h.t.app, staff, ['user:read']);
    const res = await h.t.http().get(`/api/users/${user.uuid}/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${staffKey}`).expect(200);
    expect(res.body.total).toBe(3);
    const plain = await createUser(h.t.app);
    const plainKey = await createApiKey(h.t.app, plain, ['user:read']);
    await h.t.http().get(`/api/users/${user.uuid}/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${plainKey}`).expect(403);
  });
});
