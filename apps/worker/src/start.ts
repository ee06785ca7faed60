import 'reflect-metadata';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '#libs/config';
import { QueueName } from '#libs/redis';
import { WorkerModule } from './worker.module.js';

// No API: processors consume from Redis until SIGTERM/SIGINT. Then the app closes (BullMQ
// workers let their running jobs finish, connections are released) and the process exits 0 on its
// own once nothing is left open, rather than being re-killed by the signal.
loadConfigOrExit();
const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
const logger = app.get(Logger);
app.useLogger(logger);
await app.init();
const queues = Object.values(QueueName);
await Promise.all(queues.map((name) => app.get<Queue>(getQueueToken(name)).waitUntilReady()));
logger.log({ msg: 'worker started', queues });

let stopping = false;
const stop = async (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  logger.log({ msg: 'worker stopping', signal });
  try {
    await app.close();
  } catch (error) {
    logger.error({ msg: 'worker shutdown failed', err: error });
    process.exitCode = 1;
  }
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
