import { describe, expect, it } from '@jest/globals';
import { Metrics } from './metrics.js';

const lines = async (m: Metrics, name: string) => (await m.exposition()).body.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('Metrics', () => {
  it('counts HTTP requests per method, route pattern and status, the same on every scrape', async () => {
    const m = new Metrics();
    m.httpRequest('GET', '/api/users/:uuid', 200, 0.004);
    m.httpRequest('GET', '/api/users/:uuid', 200, 0.02);
    m.httpRequest('GET', '/api/users/:uuid', 404, 0.001);
    const first = await lines(m, 'http_requests_total');
    expect(first).toEqual([
      'http_requests_total{method="GET",route="/api/users/:uuid",status="200"} 2',
      'http_requests_total{method="GET",route="/api/users/:uuid",status="404"} 1',
    ]);
    // Counts are copied into the counter at scrape time: a second scrape must not add them again.
    expect(await lines(m, 'http_requests_total')).toEqual(first);
    expect(await lines(m, 'http_request_duration_seconds_count')).toEqual(['http_request_duration_seconds_count{method="GET",route="/api/users/:uuid"} 3']);
    expect(await lines(m, 'http_request_duration_seconds_bucket')).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/users/:uuid"} 2');
  });

  it('labels requests no route matched as unmatched, and unusual methods as OTHER', async () => {
    const m = new Metrics();
    m.httpRequest('PROPFIND', undefined, 404, 0.001);
    m.httpRequest('GET', undefined, 404, 0.001);
    expect(await lines(m, 'http_requests_total')).toEqual([
      'http_requests_total{method="OTHER",route="unmatched",status="404"} 1',
      'http_requests_total{method="GET",route="unmatched",status="404"} 1',
    ]);
  });

  it('records GitHub answers, the last rate limit seen, cache reads and jobs', async () => {
    const m = new Metrics();
    m.githubRequest('GET /installation/repositories', 200, 4999);
    m.githubRequest('GET /installation/repositories', undefined);
    m.reposCacheRead('cold');
    m.jobFinished('github', 'github.refresh-repos', 'completed', 0.2);
    m.jobFinished('github', 'github.refresh-repos', 'failed', undefined);
    expect(await lines(m, 'github_requests_total')).toEqual([
      'github_requests_total{route="GET /installation/repositories",status="200"} 1',
      'github_requests_total{route="GET /installation/repositories",status="error"} 1',
    ]);
    expect(await lines(m, 'github_rate_limit_remaining')).toEqual(['github_rate_limit_remaining 4999']);
    expect(await lines(m, 'repos_cache_reads_total')).toEqual(['repos_cache_reads_total{result="cold"} 1']);
    expect(await lines(m, 'bullmq_jobs_total')).toHaveLength(2);
    // A failed attempt without timestamps is counted but not timed.
    expect(await lines(m, 'bullmq_job_duration_seconds_count')).toEqual(['bullmq_job_duration_seconds_count{queue="github",name="github.refresh-repos"} 1']);
  });

  it('reads the queue counts when scraped, every state present', async () => {
    const m = new Metrics();
    expect(await lines(m, 'bullmq_queue_jobs')).toEqual([]);
    let waiting = 3;
    m.watchQueues(async () => [{ queue: 'github', counts: { waiting, failed: 1 } }]);
    expect(await lines(m, 'bullmq_queue_jobs')).toEqual([
      'bullmq_queue_jobs{queue="github",state="waiting"} 3',
      'bullmq_queue_jobs{queue="github",state="active"} 0',
      'bullmq_queue_jobs{queue="github",state="delayed"} 0',
      'bullmq_queue_jobs{queue="github",state="failed"} 1',
    ]);
    waiting = 0;
    expect(await lines(m, 'bullmq_queue_jobs')).toContain('bullmq_queue_jobs{queue="github",state="waiting"} 0');
  });
});
