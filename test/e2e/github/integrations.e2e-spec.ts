import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GithubCleanupOnUserDeletion, GithubLoginFromIntegrations, IntegrationsService } from '#libs/github';
import { GithubLoginLookup, UserDeletionListener } from '#libs/users';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { eventually, linkedUser, meta, newInstallationId, startGithubHarness, type GithubHarness } from './support/github-harness.js';
import { keysMatching } from '../../support/redis.js';

const NOT_FOUND = { type: 'invalid_request', code: 'not_found', detail: 'No GitHub integration found for this installation.', attr: null };

describe('GET/DELETE .../integrations/ and the users seams (deletion, github_login)', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness();
  });
  afterAll(() => h.close());

  const list = (key: string, query = '', uuid = '@me') => h.t.http().get(`/api/users/${uuid}/integrations/${query}`).set('Authorization', `Bearer ${key}`);
  const remove = (key: string, iid: number | string) => h.t.http().delete(`/api/users/@me/integrations/github/${iid}/`).set('Authorization', `Bearer ${key}`);
  const uninstalls = (iid: number) => h.gh.calls.filter((c) => c.method === 'DELETE' && c.path === `/app/installations/${iid}`);

  async function warm(iid: number, key: string) {
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos: 3 });
    await h.t.http().get(`/api/users/@me/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${key}`).expect(200);
  }

  it('lists the user\'s integrations oldest first, paginated, installation_id as a string', async () => {
    const user = await createUser(h.t.app);
    const key = await createApiKey(h.t.app, user, ['user:read']);
    const service = h.t.app.get(IntegrationsService);
    const ids = [newInstallationId(), newInstallationId(), newInstallationId()];
    for (const [i, iid] of ids.entries()) {
      await service.link({ userId: user.id, installationId: iid, account: { type: i === 0 ? 'Organization' : 'User', login: `acct-${i}`, id: i }, repositorySelection: 'selected', githubUser: { login: 'me', id: 1 } });
    }
    const all = await list(key).expect(200);
    expect(all.body.count).toBe(3);
    expect(all.body.results.map((r: { installation_id: string }) => r.installation_id)).toEqual(ids.map(String));
    expect(all.body.results[0]).toEqual({
      id: expect.any(String), kind: 'github', installation_id: String(ids[0]), repository_selection: 'selected',
      account: { type: 'Organization', name: 'acct-0' }, status: 'active', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    const page = await list(key, '?limit=1&offset=1').expect(200);
    expect(page.body.results.map((r: { installation_id: string }) => r.installation_id)).toEqual([String(ids[1])]);
    expect(page.body.next).toMatch(/limit=1&offset=2$/);
    expect(page.body.previous).toMatch(/\?limit=1$/);
    expect((await list(key, '?limit=0').expect(400)).body.attr).toBe('limit');
    // Other users' rows never show.
    const other = await linkedUser(h, newInstallationId());
    expect((await list(other.key).expect(200)).body.count).toBe(1);
  });

  it('lets staff list another user\'s integrations and refuses non-staff (403) and unknown users (404)', async () => {
    const target = await linkedUser(h, newInstallationId());
    const staff = await createUser(h.t.app, { isStaff: true });
    const staffKey = await createApiKey(h.t.app, staff, ['user:read']);
    expect((await list(staffKey, '', target.user.uuid).expect(200)).body.count).toBe(1);
    expect((await list(staffKey, '', '00000000-0000-4000-8000-000000000000').expect(404)).body.code).toBe('not_found');
    const plain = await createApiKey(h.t.app, await createUser(h.t.app), ['user:read']);
    expect((await list(plain, '', target.user.uuid).expect(403)).body.detail).toBe("As a non-staff user you're only allowed to access the `@me` user instance.");
  });

  it('DELETE: 404 with the exact message when the user has no such row, and changes nothing', async () => {
    const iid = newInstallationId();
    const owner = await linkedUser(h, iid);
    const stranger = await createUser(h.t.app);
    const key = await createApiKey(h.t.app, stranger, ['user:write']);
    expect((await remove(key, iid).expect(404)).body).toEqual(NOT_FOUND);
    expect((await remove(key, 'abc').expect(404)).body.code).toBe('not_found');
    expect(await h.t.app.get(IntegrationsService).find(owner.user.id, iid)).not.toBeNull();
    expect(uninstalls(iid)).toHaveLength(0);
  });

  it('DELETE: keeps the cache and the App while another user references the installation; the last one purges and uninstalls', async () => {
    const iid = newInstallationId();
    const a = await linkedUser(h, iid);
    const b = await linkedUser(h, iid, 'second');
    await warm(iid, a.key);
    await remove(a.key, iid).expect(204);
    expect((await list(a.key).expect(200)).body.count).toBe(0);
    expect(uninstalls(iid)).toHaveLength(0);
    expect((await meta(h, iid)).total).toBe(3);
    await h.t.http().get(`/api/users/@me/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${a.key}`).expect(404);
    await remove(b.key, iid).expect(204);
    expect(uninstalls(iid).map((c) => c.status)).toEqual([204]);
    expect(await keysMatching(h.t.redis, `gh:inst:{${iid}}:*`)).toEqual([]);
    expect(await h.t.redis.exists(`gh:inst:{${iid}}:token`)).toBe(0);
    await remove(b.key, iid).expect(404);
  });

  it('DELETE: answers 204 even when GitHub fails to uninstall (and when it says 404)', async () => {
    const iid = newInstallationId();
    const a = await linkedUser(h, iid);
    h.gh.addInstallation({ id: iid, account: { login: 'octo' } });
    h.gh.fault({ kind: '5xx', path: `/app/installations/${iid}`, times: 5 });
    await remove(a.key, iid).expect(204);
    expect(await h.t.app.get(IntegrationsService).find(a.user.id, iid)).toBeNull();
    h.gh.clearFaults();
    const gone = newInstallationId();
    const b = await linkedUser(h, gone);
    await remove(b.key, gone).expect(204);
    expect(uninstalls(gone).map((c) => c.status)).toEqual([404]);
  });

  it('github_login is the login of the most recently linked integration, else null', async () => {
    const lookup = h.t.app.get(GithubLoginLookup);
    expect(lookup).toBeInstanceOf(GithubLoginFromIntegrations);
    const user = await createUser(h.t.app);
    expect(await lookup.githubLoginFor(user.id)).toBeNull();
    const service = h.t.app.get(IntegrationsService);
    const link = (iid: number, login: string) =>
      service.link({ userId: user.id, installationId: iid, account: { type: 'User', login, id: 1 }, repositorySelection: 'all', githubUser: { login, id: 1 } });
    await link(newInstallationId(), 'older-login');
    await new Promise((r) => setTimeout(r, 5));
    await link(newInstallationId(), 'newer-login');
    expect(await lookup.githubLoginFor(user.id)).toBe('newer-login');
  });

  it('user deletion cleanup: rows removed, unreferenced installations purged and uninstalled, shared ones kept', async () => {
    const listener = h.t.app.get(UserDeletionListener);
    expect(listener).toBeInstanceOf(GithubCleanupOnUserDeletion);
    const only = newInstallationId();
    const shared = newInstallationId();
    const doomed = await linkedUser(h, only);
    await h.t.app.get(IntegrationsService).link({ userId: doomed.user.id, installationId: shared, account: { type: 'User', login: 's', id: 1 }, repositorySelection: 'all', githubUser: { login: 's', id: 1 } });
    const keeper = await linkedUser(h, shared);
    await warm(only, doomed.key);
    await warm(shared, keeper.key);
    await listener.beforeUserDeleted(doomed.user.id);
    expect((await list(doomed.key).expect(200)).body.count).toBe(0);
    expect(await keysMatching(h.t.redis, `gh:inst:{${only}}:*`)).toEqual([]);
    expect(uninstalls(only).map((c) => c.status)).toEqual([204]);
    expect((await meta(h, shared)).total).toBe(3);
    expect(uninstalls(shared)).toHaveLength(0);
    await eventually(async () => (await list(keeper.key).expect(200)).body.count === 1);
  });
});
