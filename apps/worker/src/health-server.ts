import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { Metrics, answerMetrics } from '#libs/metrics';
import { ReadinessProbe, sideJson, sideMethodNotAllowed, sideNotFound, SidePortServer, type SideAnswer } from '#libs/runtime';

/**
 * The worker's optional probe port (`WORKER_PORT`): `GET /health` (the process answers)
 * and `GET /ready` (PostgreSQL and Redis answer), for an orchestrator's liveness/readiness checks,
 * and `GET /metrics` (Prometheus, docs/operations.md). Nothing else is served; the worker has no API.
 */
@Injectable()
export class WorkerHealthServer extends SidePortServer {
  protected readonly logger = new Logger('WorkerHealthServer');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: ReadinessProbe,
    private readonly metrics: Metrics,
  ) {
    super();
  }

  protected address() {
    return this.config.WORKER_PORT === undefined ? undefined : { port: this.config.WORKER_PORT, what: 'worker probes' };
  }

  protected beforeOpen(): void {
    this.metrics.enableProcessMetrics();
  }

  protected async answer(method: string, path: string): Promise<SideAnswer> {
    if (path === '/metrics') return answerMetrics(this.metrics, method, path);
    if (method !== 'GET' && method !== 'HEAD') return sideMethodNotAllowed();
    if (path === '/health') return sideJson(200, { status: 'ok' });
    if (path !== '/ready') return sideNotFound();
    const { ready, postgres, redis } = await this.readiness.check();
    return sideJson(ready ? 200 : 503, { status: ready ? 'ok' : 'error', postgres, redis });
  }
}
