import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { bullmqTelemetry } from '#libs/tracing';
import { queuePrefix, type RedisClient } from './connection.js';
import { QueueName } from './queue-names.js';
import { QUEUE_CONNECTION } from './redis.module.js';

const queues = Object.values(QueueName).map((name) => BullModule.registerQueue({ name }));

/** BullMQ's connection and every queue; both apps import it (only the worker declares processors). */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG, QUEUE_CONNECTION],
      useFactory: (config: AppConfig, connection: RedisClient) => ({
        // A client instance, not options: it is how BullMQ takes a cluster. Workers duplicate it.
        connection,
        prefix: queuePrefix(config),
        // When tracing is on: job spans, and the enqueuer's trace context carried into the worker.
        telemetry: bullmqTelemetry(),
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: 1000,
          removeOnFail: 5000,
        },
      }),
    }),
    ...queues,
  ],
  exports: queues,
})
export class QueueModule {}
