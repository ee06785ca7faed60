/** Prometheus metrics (prom-client): the registry and every metric, and the api's metrics listener. */
export { Metrics, UNMATCHED_ROUTE, type CacheReadResult, type JobOutcome, type QueueCounts, type QueueState } from './metrics.js';
export { MetricsModule } from './metrics.module.js';
export { MetricsServer, answerMetrics } from './metrics-server.js';
export { githubRouteLabel } from './github-route.js';
