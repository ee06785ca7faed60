import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { Metrics } from './metrics.js';

/**
 * The api's metrics listener: `GET /metrics` on `METRICS_PORT`, a port of its own so the public port
 * never exposes them (docs/operations.md). Nothing listens when `METRICS_PORT` is unset.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsServer');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** The bound port (useful when METRICS_PORT is 0), or undefined when none is configured. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === undefined) return;
    this.metrics.enableProcessMetrics();
    const server = createServer((req, res) => {
      void answerMetrics(this.metrics, req.method, req.url).then(({ status, contentType, body }) => {
        res.writeHead(status, { 'content-type': contentType }).end(body);
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.config.METRICS_PORT, '0.0.0.0', resolve));
    this.server = server;
    this.logger.log(`metrics on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `GET /metrics` → the exposition; 404 for any other path, 405 for any other method. */
export async function answerMetrics(metrics: Metrics, method = 'GET', url = '/'): Promise<{ status: number; contentType: string; body: string }> {
  const json = 'application/json';
  if ((url.split('?')[0] ?? '/') !== '/metrics') return { status: 404, contentType: json, body: '{"status":"error","detail":"Not found."}' };
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, contentType: json, body: '{"status":"error","detail":"Method not allowed."}' };
  try {
    const { contentType, body } = await metrics.exposition();
    return { status: 200, contentType, body };
  } catch {
    return { status: 500, contentType: json, body: '{"status":"error","detail":"Metrics unavailable."}' };
  }
}
