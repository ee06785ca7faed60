import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { sideMethodNotAllowed, sideNotFound, SidePortServer, type SideAnswer } from '#libs/runtime';
import { Metrics } from './metrics.js';

/**
 * The api's metrics listener: `GET /metrics` on `METRICS_PORT`, a port of its own so the public port
 * never exposes them (docs/operations.md). Nothing listens when `METRICS_PORT` is unset.
 */
@Injectable()
export class MetricsServer extends SidePortServer {
  protected readonly logger = new Logger('MetricsServer');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    super();
  }

  protected address() {
    return this.config.METRICS_PORT === undefined ? undefined : { port: this.config.METRICS_PORT, host: '0.0.0.0', what: 'metrics' };
  }

  protected beforeOpen(): void {
    this.metrics.enableProcessMetrics();
  }

  protected answer(method: string, path: string): Promise<SideAnswer> {
    return answerMetrics(this.metrics, method, path);
  }
}

/** `GET /metrics` → the exposition; 404 for any other path, 405 for any other method. */
export async function answerMetrics(metrics: Metrics, method: string, path: string): Promise<SideAnswer> {
  if (path !== '/metrics') return sideNotFound();
  if (method !== 'GET' && method !== 'HEAD') return sideMethodNotAllowed();
  try {
    const { contentType, body } = await metrics.exposition();
    return { status: 200, contentType, body };
  } catch {
    return { status: 500, contentType: 'application/json', body: '{"status":"error","detail":"Metrics unavailable."}' };
  }
}
