import 'reflect-metadata';
import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import type { Queue, Worker } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigOrExit } from '#libs/config';
import { QueueName } from '#libs/redis';
import { bootLogger, onTermination, serviceDependencies, waitForDependencies } from '#libs/runtime';
import { WorkerModule } from './worker.module.js';

/** Of the shutdown grace, what is kept for closing connections after the running jobs. */
const CLOSE_RESERVE_MS = 1000;

const config = loadConfigOrExit();
const log = bootLogger('worker', config.LOG_LEVEL);
// PostgreSQL and Redis first, each problem said in one line with what to run (docs/operations.md, Start-up).
if (!(await waitForDependencies(serviceDependencies(config), log, config.STARTUP_TIMEOUT_MS))) process.exit(1);

// No API: processors consume from Redis until SIGTERM/SIGINT.
const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
const logger = app.get(Logger);
app.useLogger(logger);
await app.init();
const queues = Object.values(QueueName);
await Promise.all(queues.map((name) => app.get<Queue>(getQueueToken(name)).waitUntilReady()));
logger.log({ msg: 'worker started', queues });

const workers: Worker[] = app
  .get(DiscoveryService)
  .getProviders()
  .flatMap((wrapper) => (wrapper.instance instanceof WorkerHost ? [wrapper.instance.worker] : []));

// Graceful shutdown (docs/operations.md, Shutdown): stop taking jobs, let the running ones finish
// within SHUTDOWN_GRACE_MS, then close. A job still running then is not failed: the worker is
// closed without waiting, its lock expires and another worker runs the job again (crash recovery).
onTermination(async (signal) => {
  logger.log({ msg: 'worker stopping', signal, graceMs: config.SHUTDOWN_GRACE_MS });
  setTimeout(() => {
    log.warn({ graceMs: config.SHUTDOWN_GRACE_MS }, 'worker shutdown grace over; exiting');
    process.exit(1);
  }, config.SHUTDOWN_GRACE_MS).unref();
  const finished = await Promise.race([
    Promise.all(workers.map((worker) => worker.pause())).then(() => true),
    sleep(Math.max(0, config.SHUTDOWN_GRACE_MS - CLOSE_RESERVE_MS)).then(() => false),
  ]);
  if (!finished) logger.warn({ msg: 'jobs still running at the end of the grace; left to another worker' });
  try {
    await Promise.all(workers.map((worker) => worker.close(true)));
    await app.close();
    log.info('worker stopped');
  } catch (error) {
    log.error({ err: error }, 'worker shutdown failed');
    process.exitCode = 1;
  }
});
