import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigOrExit } from '#libs/config';
import { bootLogger, onTermination, ProcessLifecycle, serviceDependencies, waitForDependencies } from '#libs/runtime';
import { ApiModule } from './api.module.js';
import { configureApp, createHttpAdapter } from './configure-app.js';

const config = loadConfigOrExit();
const log = bootLogger('api', config.LOG_LEVEL);
// PostgreSQL and Redis first, each problem said in one line with what to run (docs/operations.md, Start-up).
if (!(await waitForDependencies(serviceDependencies(config), log, config.STARTUP_TIMEOUT_MS))) process.exit(1);

const app = await NestFactory.create<NestFastifyApplication>(ApiModule, createHttpAdapter(config), { bodyParser: false, bufferLogs: true });
await configureApp(app);
// Fastify listens on localhost only unless told otherwise; the API serves every interface (Docker).
await app.listen(config.PORT, '0.0.0.0');

// Graceful shutdown (docs/operations.md, Shutdown): readiness 503 at once; new requests still served
// for SHUTDOWN_DRAIN_MS while load balancers notice; then the server closes, letting in-flight
// requests finish; the whole within SHUTDOWN_GRACE_MS, after which the process exits regardless.
onTermination(async (signal) => {
  app.get(ProcessLifecycle).beginShutdown();
  log.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS, graceMs: config.SHUTDOWN_GRACE_MS }, 'api stopping');
  setTimeout(() => {
    log.warn({ graceMs: config.SHUTDOWN_GRACE_MS }, 'api shutdown grace over; exiting with requests still open');
    process.exit(1);
  }, config.SHUTDOWN_GRACE_MS).unref();
  await sleep(config.SHUTDOWN_DRAIN_MS);
  try {
    await app.close();
    log.info('api stopped');
  } catch (error) {
    log.error({ err: error }, 'api shutdown failed');
    process.exitCode = 1;
  }
});
