import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { createRedisClient, type RedisClient } from './connection.js';

/** Injection token of the shared Redis client (sessions, throttles, caches): a node or a cluster. */
export const REDIS = Symbol('REDIS');
/**
 * BullMQ's connection (the queues share it; each worker takes its own copy). It is ours, so we close
 * it: this module is global, and Nest shuts global modules down last, after every queue has closed.
 */
export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createRedisClient(config, { maxRetriesPerRequest: 3 }),
    },
    {
      provide: QUEUE_CONNECTION,
      inject: [APP_CONFIG],
      // BullMQ's blocking connections must never give up on a request.
      useFactory: (config: AppConfig) => createRedisClient(config, { maxRetriesPerRequest: null, lazyConnect: true }),
    },
  ],
  exports: [REDIS, QUEUE_CONNECTION],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(QUEUE_CONNECTION) private readonly queueConnection: RedisClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.redis, this.queueConnection].map(async (client) => {
        if (client.status === 'end') return;
        // Never connected (the CLI does not use queues): nothing to say goodbye to.
        if (client.status === 'wait') return client.disconnect();
        await client.quit().catch(() => client.disconnect());
      }),
    );
  }
}
