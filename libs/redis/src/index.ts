/** Redis: the shared client, BullMQ's connection and queues, queue names and typed jobs. */
export { REDIS, RedisModule } from './redis.module.js';
export { assertRedisServes, clusterSeeds, createRedisClient, masterNodes, queuePrefix, redisAddress, type RedisClient } from './connection.js';
export { QueueModule } from './queue.module.js';
export { QueueName } from './queue-names.js';
export { jobAdder, unknownJob, type AddJob, type JobMap, type JobOf } from './typed-jobs.js';
