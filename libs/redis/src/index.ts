/** Redis: the shared client, BullMQ's connection and queues, and the persisted queue/job names. */
export { REDIS, RedisModule } from './redis.module.js';
export { QueueModule } from './queue.module.js';
export { GithubJob, MailJob, QueueName, SchedulerId, type MailJobData, type SendMailData } from './queue-names.js';
