import { Injectable } from '@nestjs/common';

/**
 * Whether this process has been told to stop. Readiness reads it: from the signal on, the api
 * answers `/api/ready` with 503 while it still serves (docs/operations.md, Shutdown).
 */
@Injectable()
export class ProcessLifecycle {
  private stopping = false;

  get shuttingDown(): boolean {
    return this.stopping;
  }

  beginShutdown(): void {
    this.stopping = true;
  }
}

/**
 * Calls `stop` once, on the first SIGTERM or SIGINT; a second signal changes nothing (the grace
 * timer still bounds the exit).
 */
export function onTermination(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stop(signal);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
