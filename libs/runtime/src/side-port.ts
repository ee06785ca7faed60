import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of a side port: status, content type and the body as text. */
export interface SideAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type SideHandler = (method: string, path: string, url: string) => Promise<SideAnswer>;

const json = (status: number, body: object): SideAnswer => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
export const sideJson = json;
export const sideNotFound = () => json(404, { status: 'error', detail: 'Not found.' });
export const sideMethodNotAllowed = () => json(405, { status: 'error', detail: 'Method not allowed.' });

/**
 * A plain `node:http` listener beside the application, for probes and metrics: a port of its own,
 * so the public port never exposes them (docs/operations.md). The api's `METRICS_PORT` and the
 * worker's `WORKER_PORT` are both one of these.
 */
export class SidePort {
  private server?: Server;

  /** The bound port (useful when the configured one is 0), or undefined while closed. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async open(port: number, host: string | undefined, handle: SideHandler): Promise<void> {
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      void handle(req.method ?? 'GET', url.split('?')[0] ?? '/', url)
        .catch(() => json(500, { status: 'error', detail: 'Internal error.' }))
        .then(({ status, contentType, body }) => res.writeHead(status, { 'content-type': contentType }).end(body));
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A side port as a Nest provider: opened at bootstrap when its port is configured, closed at
 * shutdown. Subclasses say where to listen and how to answer.
 */
export abstract class SidePortServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly side = new SidePort();
  protected abstract readonly logger: Logger;

  /** The bound port (useful when the configured one is 0), or undefined when none is configured. */
  get port(): number | undefined {
    return this.side.port;
  }

  /** Where to listen, or undefined to stay closed. */
  protected abstract address(): { port: number; host?: string; what: string } | undefined;
  protected abstract answer(method: string, path: string): Promise<SideAnswer>;
  /** Runs once before the port opens. */
  protected abstract beforeOpen(): void;

  async onApplicationBootstrap(): Promise<void> {
    const at = this.address();
    if (!at) return;
    this.beforeOpen();
    await this.side.open(at.port, at.host, (method, path) => this.answer(method, path));
    this.logger.log(`${at.what} on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.side.close();
  }
}
