import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { WorkerHealthServer } from '../../../apps/worker/src/health-server.js';
import { GithubJobs } from '#libs/github';
import { MetricsServer } from '#libs/metrics';
import { scrape, sampleValue, type Sample } from '../../support/prometheus.js';
import { createTestApp } from '../../support/test-app.js';
import { ageCache, eventually, linkedUser, newInstallationId, startGithubHarness, type GithubHarness } from '../github/support/github-harness.js';

const reads = (s: Sample[], result: string) => sampleValue(s, 'repos_cache_reads_total', { result });
const calls = (s: Sample[], route: string, status: string) => sampleValue(s, 'github_requests_total', { route, status });
const series = (s: Sample[]) => new Set(s.filter((x) => x.name.startsWith('http_')).map((x) => `${x.name}${JSON.stringify(x.labels)}`));

/**
 * Prometheus metrics of the api (on METRICS_PORT, never the public port) and of the worker (on
 * WORKER_PORT): they move with traffic, and no label takes values from the client.
 */
describe('metrics', () => {
  let h: GithubHarness;
  let apiUrl: string;
  let workerUrl: string;
  beforeAll(async () => {
    h = await startGithubHarness({ config: { METRICS_PORT: 0, WORKER_PORT: 0, GITHUB_COLD_WAIT_MS: 5000 } });
    apiUrl = `http://127.0.0.1:${h.t.app.get(MetricsServer).port}/metrics`;
    workerUrl = `http://127.0.0.1:${h.worker.get(WorkerHealthServer).port}/metrics`;
  });
  afterAll(() => h.close());

  const api = () => scrape(apiUrl);
  const worker = () => scrape(workerUrl);
  const repos = (key: string, iid: number) => h.t.http().get(`/api/users/@me/integrations/github/${iid}/repos/`).set('Authorization', `Bearer ${key}`);

  it('serves the api metrics on METRICS_PORT only, with the process metrics', async () => {
    const samples = await api();
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    const onPublicPort = await h.t.http().get('/metrics');
    expect(onPublicPort.status).toBe(404);
    expect(onPublicPort.text).not.toContain('http_requests_total');
    expect((await fetch(apiUrl, { method: 'POST' })).status).toBe(405);
    expect((await fetch(apiUrl.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('opens no metrics port when METRICS_PORT is unset', async () => {
    const plain = await createTestApp({ config: { METRICS_PORT: undefined } });
    try {
      expect(plain.app.get(MetricsServer).port).toBeUndefined();
    } finally {
      await plain.app.close();
    }
  });

  it('counts requests by method, route pattern and status, and times them', async () => {
    const iid = newInstallationId();
    const { key } = await linkedUser(h, iid);
    const labels = { method: 'GET', route: '/api/users/:uuid', status: '200' };
    const before = await api();
    await h.t.http().get('/api/users/@me/').set('Authorization', `Bearer ${key}`).expect(200);
    await h.t.http().get('/api/users/@me').set('Authorization', `Bearer ${key}`).expect(200);
    await h.t.http().get('/api/users/@me/').expect(401);
    const after = await api();
    expect(sampleValue(after, 'http_requests_total', labels) - sampleValue(before, 'http_requests_total', labels)).toBe(2);
    const unauthenticated = { ...labels, status: '401' };
    expect(sampleValue(after, 'http_requests_total', unauthenticated) - sampleValue(before, 'http_requests_total', unauthenticated)).toBe(1);
    const timed = { method: 'GET', route: '/api/users/:uuid' };
    expect(sampleValue(after, 'http_request_duration_seconds_count', timed) - sampleValue(before, 'http_request_duration_seconds_count', timed)).toBe(3);
    expect(sampleValue(after, 'http_request_duration_seconds_bucket', { ...timed, le: '+Inf' })).toBe(sampleValue(after, 'http_request_duration_seconds_count', timed));
    expect(sampleValue(after, 'http_request_duration_seconds_sum', timed)).toBeGreaterThan(0);
  });

  it('counts cold, fresh and stale cache reads, the GitHub calls and the completed job they took', async () => {
    const iid = newInstallationId();
    h.gh.addInstallation({ id: iid, account: { login: 'octo' }, repos: 150 });
    const { key } = await linkedUser(h, iid);
    const [apiBefore, workerBefore] = await Promise.all([api(), worker()]);

    await repos(key, iid).expect(200); // cold: waits for the worker
    await repos(key, iid).expect(200); // fresh
    await ageCache(h, iid, 2 * 3600 * 1000);
    expect((await repos(key, iid).expect(200)).body.stale).toBe(true); // stale
    const apiAfter = await api();
    expect({
      cold: reads(apiAfter, 'cold') - reads(apiBefore, 'cold'),
      fresh: reads(apiAfter, 'fresh') - reads(apiBefore, 'fresh'),
      stale: reads(apiAfter, 'stale') - reads(apiBefore, 'stale'),
    }).toEqual({ cold: 1, fresh: 1, stale: 1 });

    const job = { queue: 'github', name: 'github.refresh-repos', outcome: 'completed' };
    // The stale read enqueued a background refresh: wait for it too, so the counts below are settled.
    await eventually(async () => sampleValue(await worker(), 'bullmq_jobs_total', job) - sampleValue(workerBefore, 'bullmq_jobs_total', job) >= 2);
    const workerAfter = await worker();
    // The first sweep pages twice (the paginator's second page comes as an absolute URL from GitHub's
    // Link header and is still labelled by its template); the second gets a 304 for page 1 (ETag); one
    // token minted, reused by the second.
    expect(calls(workerAfter, 'GET /installation/repositories', '200') - calls(workerBefore, 'GET /installation/repositories', '200')).toBe(2);
    expect(calls(workerAfter, 'GET /installation/repositories', '304') - calls(workerBefore, 'GET /installation/repositories', '304')).toBe(1);
    expect(calls(workerAfter, 'POST /app/installations/{installation_id}/access_tokens', '201') - calls(workerBefore, 'POST /app/installations/{installation_id}/access_tokens', '201')).toBe(1);
    expect(workerAfter.find((s) => s.name === 'github_rate_limit_remaining')?.value).toBe(h.gh.rateLimit(iid).remaining);
    const timed = { queue: 'github', name: 'github.refresh-repos' };
    expect(sampleValue(workerAfter, 'bullmq_job_duration_seconds_count', timed) - sampleValue(workerBefore, 'bullmq_job_duration_seconds_count', timed)).toBe(2);
    expect(workerAfter.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
  });

  it('counts a failed job, its GitHub answer and the queue holding it', async () => {
    const unknown = newInstallationId(); // not on GitHub: the token mint answers 404, the job stops
    const job = { queue: 'github', name: 'github.refresh-repos', outcome: 'failed' };
    const mint = { route: 'POST /app/installations/{installation_id}/access_tokens', status: '404' };
    const before = await worker();
    await h.t.app.get(GithubJobs).refreshRepos(unknown, 'high');
    await eventually(async () => sampleValue(await worker(), 'bullmq_jobs_total', job) > sampleValue(before, 'bullmq_jobs_total', job));
    const after = await worker();
    expect(sampleValue(after, 'bullmq_jobs_total', job) - sampleValue(before, 'bullmq_jobs_total', job)).toBe(1);
    expect(sampleValue(after, 'github_requests_total', mint) - sampleValue(before, 'github_requests_total', mint)).toBe(1);
    expect(sampleValue(after, 'bullmq_queue_jobs', { queue: 'github', state: 'failed' })).toBeGreaterThanOrEqual(1);
    for (const state of ['waiting', 'active', 'delayed']) expect(after.some((s) => s.name === 'bullmq_queue_jobs' && s.labels.state === state)).toBe(true);
  });

  it('keeps label values bounded: 50 random URLs add no series beyond a fixed few', async () => {
    const iid = newInstallationId();
    const { key } = await linkedUser(h, iid);
    await h.t.http().get('/api/users/@me/').set('Authorization', `Bearer ${key}`).expect(200);
    const before = series(await api());
    const tokens: string[] = [];
    for (let i = 0; i < 50; i++) {
      const token = randomBytes(6).toString('hex');
      tokens.push(token);
      const paths = [`/api/${token}`, `/api/users/${token}/`, `/api/users/@me/integrations/github/${i + 1}${token.replace(/\D/g, '')}/repos/?search=${token}`, `/${token}?x=${token}`, `/api/users/@me/?email=${token}@example.com`];
      await h.t.http().get(paths[i % paths.length]!).set('Authorization', `Bearer ${key}`);
    }
    const samples = await api();
    const text = samples.map((s) => JSON.stringify(s.labels)).join('\n');
    for (const token of tokens) expect(text).not.toContain(token);
    const routes = new Set(samples.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.route));
    for (const route of routes) expect(route === 'unmatched' || /^\/api\/[a-z_/:@.-]*$/.test(route!)).toBe(true);
    // Only the handful of (route, status) pairs those URLs reach can be new: far fewer than 50.
    const added = [...series(samples)].filter((s) => !before.has(s));
    expect(added.length).toBeLessThan(40);
    expect(routes.has('unmatched')).toBe(true);
  });
});
