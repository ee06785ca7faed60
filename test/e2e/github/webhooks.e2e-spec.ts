import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '#libs/config';
import { WebhooksService } from '#libs/github';
import { eventually, linkedUser, meta, newInstallationId, startGithubHarness, type GithubHarness } from './support/github-harness.js';
import { keysMatching } from '../../support/redis.js';

describe('POST /api/integrations/github/webhook', () => {
  let h: GithubHarness;
  beforeAll(async () => {
    h = await startGithubHarness();
  });
  afterAll(() => h.close());

  const deliver = (event: string, payload: object, opts: { delivery?: string; signature?: string | null } = {}) => {
    const body = JSON.stringify(payload);
    const req = h.t.http().post('/api/integrations/github/webhook').set('Content-Type', 'application/json').set('X-GitHub-Event', event)
      .set('X-GitHub-Delivery', opts.delivery ?? randomUUID());
    if (opts.signature !== null) req.set('X-Hub-Signature-256', opts.signature ?? h.gh.signWebhook(body));
    return req.send(body);
  };
  const get = (key: string, iid: number, path = 'repos/') => h.t.http().get(`/api/users/@me/integrations/github/${iid}/${path}`).set('Authorization', `Bearer ${key}`);
  const webhookJobs = async () => (await h.queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized'])).filter((j) => j.name === 'github.handle-webhook');

  async function warm(repos = 5) {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos });
    const linked = await linkedUser(h, iid);
    await get(linked.key, iid).expect(200);
    return { iid, ...linked };
  }

  it('verifies HMAC-SHA256 of the raw body (GitHub\'s documented test vector)', () => {
    const service = new WebhooksService({ GITHUB_WEBHOOK_SECRET: "It's a Secret to Everybody" } as AppConfig, null as never, null as never);
    expect(service.verify(Buffer.from('Hello, World!'), 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17')).toBe(true);
    expect(service.verify(Buffer.from('Hello, World!'), 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18')).toBe(false);
    expect(service.verify(Buffer.from('Hello, World!'), 'sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17')).toBe(false);
  });

  it('refuses a bad, foreign or missing signature with 401 and enqueues nothing', async () => {
    const before = (await webhookJobs()).length;
    const payload = { action: 'deleted', installation: { id: 1 } };
    const bad = await deliver('installation', payload, { signature: `sha256=${'0'.repeat(64)}` }).expect(401);
    expect(bad.body).toEqual({ type: 'authentication_error', code: 'authentication_failed', detail: 'Invalid or missing webhook signature.', attr: null });
    await deliver('installation', payload, { signature: null }).expect(401);
    await deliver('installation', payload, { signature: 'sha256=short' }).expect(401);
    // Signed over different bytes (re-serialised JSON) does not verify.
    await deliver('installation', payload, { signature: h.gh.signWebhook(JSON.stringify(payload, null, 2)) }).expect(401);
    expect((await webhookJobs()).length).toBe(before);
  });

  it('accepts a signed delivery with 202 once, and ignores a replay of the same X-GitHub-Delivery', async () => {
    const { iid } = await warm();
    const delivery = randomUUID();
    const payload = { action: 'suspend', installation: h.gh.installationJson(iid) };
    expect((await deliver('installation', payload, { delivery }).expect(202)).body).toEqual({ status: 'accepted' });
    expect((await deliver('installation', payload, { delivery }).expect(202)).body).toEqual({ status: 'duplicate' });
    const jobs = (await webhookJobs()).filter((j) => j.data.deliveryId === delivery);
    expect(jobs).toHaveLength(1);
  });

  it('installation.deleted marks the rows deleted and purges the cache (then 410)', async () => {
    const { iid, key } = await warm();
    await deliver('installation', { action: 'deleted', installation: h.gh.installationJson(iid) }).expect(202);
    await eventually(async () => (await get(key, iid)).status === 410);
    expect(await keysMatching(h.t.redis, `gh:inst:{${iid}}:repos:*`)).toEqual([]);
    const list = await h.t.http().get('/api/users/@me/integrations/').set('Authorization', `Bearer ${key}`).expect(200);
    expect(list.body.results[0].status).toBe('deleted');
  });

  it('installation.suspend / unsuspend switch the status; unsuspend refreshes', async () => {
    const { iid, key } = await warm(5);
    await deliver('installation', { action: 'suspend', installation: h.gh.installationJson(iid) }).expect(202);
    await eventually(async () => (await get(key, iid).expect(200)).body.stale === true);
    expect((await meta(h, iid)).status).toBe('suspended');
    h.gh.setRepos(iid, 6);
    await deliver('installation', { action: 'unsuspend', installation: h.gh.installationJson(iid) }).expect(202);
    await eventually(async () => {
      const body = (await get(key, iid).expect(200)).body;
      return body.total === 6 && body.stale === false;
    });
  });

  it('installation_repositories and repository events refresh the repository list', async () => {
    const { iid, key } = await warm(5);
    h.gh.setRepos(iid, [{ name: 'brand-new' }]);
    const repo = h.gh.repoJson(iid, 'octo/brand-new');
    await deliver('installation_repositories', {
      action: 'added', installation: h.gh.installationJson(iid), repository_selection: 'selected',
      repositories_added: [{ id: repo.id, node_id: repo.node_id, name: 'brand-new', full_name: 'octo/brand-new', private: false }], repositories_removed: [],
    }).expect(202);
    await eventually(async () => (await get(key, iid).expect(200)).body.repositories[0]?.name === 'brand-new');
    h.gh.setRepos(iid, [{ name: 'renamed' }]);
    await deliver('repository', { action: 'renamed', repository: h.gh.repoJson(iid, 'octo/renamed'), installation: { id: iid } }).expect(202);
    await eventually(async () => (await get(key, iid).expect(200)).body.repositories[0]?.name === 'renamed');
  });

  it('branch create/delete drops that repository\'s branch cache', async () => {
    const { iid, key } = await warm(1);
    const full = 'octo/repo-00001';
    await get(key, iid, `branches/?repo=${full}`).expect(200);
    h.gh.setBranches(full, ['main', 'new-branch']);
    await deliver('create', { ref: 'new-branch', ref_type: 'branch', repository: h.gh.repoJson(iid, full), installation: { id: iid } }).expect(202);
    await eventually(async () => (await h.t.redis.exists(`gh:inst:{${iid}}:br:${full}`)) === 0);
    expect((await get(key, iid, `branches/?repo=${full}`).expect(200)).body.branches).toEqual(['main', 'new-branch']);
    // A tag is not a branch.
    await deliver('delete', { ref: 'v1', ref_type: 'tag', repository: h.gh.repoJson(iid, full), installation: { id: iid } }).expect(202);
    // Whatever the event or call queued has run before anything is asserted not to have happened.
    await h.drain();
    expect(await h.t.redis.exists(`gh:inst:{${iid}}:br:${full}`)).toBe(1);
  });

  it('ignores events for installations nobody linked', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'nobody' }, repos: 3 });
    await deliver('installation_repositories', { action: 'added', installation: h.gh.installationJson(iid) }).expect(202);
    // Whatever the event or call queued has run before anything is asserted not to have happened.
    await h.drain();
    expect(h.gh.calls.filter((c) => c.installationId === iid)).toHaveLength(0);
  });
});
