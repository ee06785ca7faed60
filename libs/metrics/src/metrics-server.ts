import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { sideMethodNotAllowed, sideNotFound, SidePort, type SideAnswer } from '#libs/runtime';
import { Metrics } from './metrics.js';

/**
 * The api's metrics listener: `GET /metrics` on `METRICS_PORT`, a port of its own so the public port
 * never exposes them (docs/operations.md). Nothing listens when `METRICS_PORT` is unset.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsServer');
  private readonly side = new SidePort();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** The bound port (useful when METRICS_PORT is 0), or undefined when none is configured. */
  get port(): number | undefined {
    return this.side.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === undefined) return;
    this.metrics.enableProcessMetrics();
    await this.side.open(this.config.METRICS_PORT, '0.0.0.0', (method, path) => answerMetrics(this.metrics, method, path));
    this.logger.log(`metrics on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.side.close();
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
