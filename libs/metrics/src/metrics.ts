import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Where a repository list read was served from (docs/operations.md, "Metrics to alert on"). */
export type CacheReadResult = 'fresh' | 'stale' | 'cold';
export type JobOutcome = 'completed' | 'failed';
/** The queue states `bullmq_queue_jobs` reports. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export type QueueCounts = () => Promise<Array<{ queue: string; counts: Partial<Record<QueueState, number>> }>>;

/** Methods kept as label values; anything else a client sends is counted as `OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The route label of a request no route matched (404s): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

interface StatusCell {
  labels: { method: string; route: string; status: string };
  count: number;
}
interface MethodCell {
  labels: { method: string; route: string };
  statuses: Map<number, StatusCell>;
}

/**
 * The Prometheus metrics of one process (one registry per Nest application, so several apps in
 * one test process never collide). Names and labels are the public contract in docs/operations.md.
 * Every label value comes from a bounded set: route patterns, status codes, queue and job names,
 * fixed outcomes; never an id, an e-mail or a raw URL.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private processMetrics = false;

  // HTTP requests are the hot path: counts live in plain cells found by three Map lookups (no
  // allocation once a route/method/status has been seen) and are copied into the counter only when
  // scraped; the histogram's observe is the only prom-client call per request.
  private readonly httpCells = new Map<string, Map<string, MethodCell>>();
  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
    collect: () => this.copyHttpCounts(),
  });
  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly githubRequests = new Counter({
    name: 'github_requests_total',
    help: 'Requests made to GitHub (each attempt), by method and endpoint template and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly githubRateLimit = new Gauge({
    name: 'github_rate_limit_remaining',
    help: 'x-ratelimit-remaining of the last GitHub answer that carried it.',
    registers: [this.registry],
  });
  private readonly reposCacheReads = new Counter({
    name: 'repos_cache_reads_total',
    help: 'Repository list reads, by what the cache held: fresh, stale (served, refresh enqueued) or cold (nothing cached).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly jobs = new Counter({
    name: 'bullmq_jobs_total',
    help: 'Job attempts finished by this worker, by queue, job name and outcome.',
    labelNames: ['queue', 'name', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly jobDuration = new Histogram({
    name: 'bullmq_job_duration_seconds',
    help: 'Processing time of a job attempt, by queue and job name.',
    labelNames: ['queue', 'name'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private queueCounts?: QueueCounts;
  private readonly queueJobs: Gauge<'queue' | 'state'> = new Gauge({
    name: 'bullmq_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from Redis when scraped.',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
    collect: () => this.copyQueueCounts(),
  });

  /** One answered HTTP request; `route` is the matched route pattern (undefined: no route matched). */
  httpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const r = route ?? UNMATCHED_ROUTE;
    const m = METHODS.has(method) ? method : 'OTHER';
    let byMethod = this.httpCells.get(r);
    if (!byMethod) this.httpCells.set(r, (byMethod = new Map()));
    let cell = byMethod.get(m);
    if (!cell) byMethod.set(m, (cell = { labels: { method: m, route: r }, statuses: new Map() }));
    let counted = cell.statuses.get(status);
    if (!counted) cell.statuses.set(status, (counted = { labels: { method: m, route: r, status: String(status) }, count: 0 }));
    counted.count++;
    this.httpDuration.observe(cell.labels, seconds);
  }

  /** One request to GitHub; `route` is `METHOD /template` (see githubRouteLabel). */
  githubRequest(route: string, status: number | undefined, rateLimitRemaining?: number): void {
    this.githubRequests.inc({ route, status: status === undefined ? 'error' : String(status) });
    if (rateLimitRemaining !== undefined && Number.isFinite(rateLimitRemaining)) this.githubRateLimit.set(rateLimitRemaining);
  }

  reposCacheRead(result: CacheReadResult): void {
    this.reposCacheReads.inc({ result });
  }

  jobFinished(queue: string, name: string, outcome: JobOutcome, seconds: number | undefined): void {
    this.jobs.inc({ queue, name, outcome });
    if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) this.jobDuration.observe({ queue, name }, seconds);
  }

  /** Where `bullmq_queue_jobs` reads its counts from (the worker's queues). */
  watchQueues(read: QueueCounts): void {
    this.queueCounts = read;
  }

  /**
   * prom-client's default process metrics (CPU, memory, event-loop lag, GC). Only a process that
   * serves its metrics turns them on, so one that does not pays nothing for them.
   */
  enableProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async copyQueueCounts(): Promise<void> {
    const counts = this.queueCounts ? await this.queueCounts() : [];
    this.queueJobs.reset();
    for (const { queue, counts: byState } of counts) {
      for (const state of QUEUE_STATES) this.queueJobs.set({ queue, state }, byState[state] ?? 0);
    }
  }

  private copyHttpCounts(): void {
    this.httpRequests.reset();
    for (const byMethod of this.httpCells.values()) {
      for (const cell of byMethod.values()) {
        for (const counted of cell.statuses.values()) this.httpRequests.inc(counted.labels, counted.count);
      }
    }
  }
}

