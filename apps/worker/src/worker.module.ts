import { Module } from '@nestjs/common';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { GithubModule } from '#libs/github';
import { LoggingModule } from '#libs/logging';
import { QueueModule, RedisModule } from '#libs/redis';
import { GithubProcessor } from './github/github.processor.js';
import { GithubSchedule } from './github/github-schedule.js';
import { WorkerHealthServer } from './health-server.js';

/** The job process: BullMQ processors and schedules live here and only here. */
@Module({
  imports: [ConfigModule, LoggingModule.forService('worker'), DatabaseModule, RedisModule, QueueModule, GithubModule],
  providers: [GithubProcessor, GithubSchedule, WorkerHealthServer],
})
export class WorkerModule {}
