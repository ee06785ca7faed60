import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { Metrics, answerMetrics } from '#libs/metrics';
import { ReadinessProbe, sideJson, sideMethodNotAllowed, sideNotFound, SidePort, type SideAnswer } from '#libs/runtime';

/**
 * The worker's optional probe port (`WORKER_PORT`): `GET /health` (the process answers)
 * and `GET /ready` (PostgreSQL and Redis answer), for an orchestrator's liveness/readiness checks,
 * and `GET /metrics` (Prometheus, docs/operations.md). Nothing else is served; the worker has no API.
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerHealthServer');
  private readonly side = new SidePort();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: ReadinessProbe,
    private readonly metrics: Metrics,
  ) {}

  /** The bound port (useful when WORKER_PORT is 0), or undefined when no port is configured. */
  get port(): number | undefined {
    return this.side.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.WORKER_PORT === undefined) return;
    this.metrics.enableProcessMetrics();
    await this.side.open(this.config.WORKER_PORT, undefined, (method, path) => this.answer(method, path));
    this.logger.log(`worker probes on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.side.close();
  }

  private async answer(method: string, path: string): Promise<SideAnswer> {
    if (path === '/metrics') return answerMetrics(this.metrics, method, path);
    if (method !== 'GET' && method !== 'HEAD') return sideMethodNotAllowed();
    if (path === '/health') return sideJson(200, { status: 'ok' });
    if (path !== '/ready') return sideNotFound();
    const { ready, postgres, redis } = await this.readiness.check();
    return sideJson(ready ? 200 : 503, { status: ready ? 'ok' : 'error', postgres, redis });
  }
}
