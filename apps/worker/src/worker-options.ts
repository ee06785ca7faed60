import { WorkerHost } from '@nestjs/bullmq';
import type { Provider } from '@nestjs/common';
import type { WorkerOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#libs/config';

/** @nestjs/bullmq's key for a processor's worker options (what `@Processor(name, options)` sets). */
const WORKER_METADATA = 'bullmq:worker_metadata';

/** The lock and stalled-check settings every worker of this process uses (docs/operations.md, Crash recovery). */
export function lockOptions(config: AppConfig): Pick<WorkerOptions, 'lockDuration' | 'lockRenewTime' | 'stalledInterval' | 'maxStalledCount'> {
  return {
    lockDuration: config.QUEUE_LOCK_DURATION_MS,
    lockRenewTime: Math.floor(config.QUEUE_LOCK_DURATION_MS / 2),
    stalledInterval: config.QUEUE_STALLED_INTERVAL_MS,
    // A job whose worker died is run again once; a second loss in a row fails it.
    maxStalledCount: 1,
  };
}

/**
 * `@Processor` options are static, but the lock settings come from the configuration. This
 * provider adds them to each processor's options before @nestjs/bullmq creates the workers (on
 * module init, after every provider exists).
 */
export function workerOptionsProvider(processors: (abstract new (...args: never[]) => WorkerHost)[]): Provider {
  return {
    provide: 'WORKER_LOCK_OPTIONS',
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => {
      for (const processor of processors) {
        const declared = (Reflect.getMetadata(WORKER_METADATA, processor) ?? {}) as WorkerOptions;
        Reflect.defineMetadata(WORKER_METADATA, { ...declared, ...lockOptions(config) }, processor);
      }
      return true;
    },
  };
}
