import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { Metrics, answerMetrics } from '#libs/metrics';
import { REDIS } from '#libs/redis';

const CHECK_TIMEOUT_MS = 2000;

/**
 * The worker's optional probe port (`WORKER_PORT`): `GET /health` (the process answers)
 * and `GET /ready` (PostgreSQL and Redis answer), for an orchestrator's liveness/readiness checks,
 * and `GET /metrics` (Prometheus, docs/operations.md). Nothing else is served; the worker has no API.
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerHealthServer');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {}

  /** The bound port (useful when WORKER_PORT is 0), or undefined when no port is configured. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.WORKER_PORT === undefined) return;
    this.metrics.enableProcessMetrics();
    const server = createServer((req, res) => {
      if ((req.url ?? '/').split('?')[0] === '/metrics') {
        void answerMetrics(this.metrics, req.method, req.url).then(({ status, contentType, body }) => res.writeHead(status, { 'content-type': contentType }).end(body));
        return;
      }
      void this.answer(req.method ?? 'GET', (req.url ?? '/').split('?')[0]!).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.config.WORKER_PORT, resolve));
    this.server = server;
    this.logger.log(`worker probes on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(method: string, path: string): Promise<{ status: number; body: object }> {
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: { status: 'error', detail: 'Method not allowed.' } };
    if (path === '/health') return { status: 200, body: { status: 'ok' } };
    if (path !== '/ready') return { status: 404, body: { status: 'error', detail: 'Not found.' } };
    const [postgres, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1')),
      withTimeout(this.redis.ping()),
    ]);
    const ok = postgres && redis;
    return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'error', postgres: up(postgres), redis: up(redis) } };
  }
}

const up = (ok: boolean) => (ok ? 'up' : 'down');

async function withTimeout(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
