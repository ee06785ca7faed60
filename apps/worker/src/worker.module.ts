import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ReadinessProbe } from '#libs/runtime';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { GithubModule } from '#libs/github';
import { LoggingModule } from '#libs/logging';
import { MailModule } from '#libs/mail';
import { MetricsModule } from '#libs/metrics';
import { QueueModule, RedisModule } from '#libs/redis';
import { GithubProcessor } from './github/github.processor.js';
import { GithubSchedule } from './github/github-schedule.js';
import { WorkerHealthServer } from './health-server.js';
import { JobMetrics } from './job-metrics.js';
import { MailProcessor } from './mail/mail.processor.js';
import { workerOptionsProvider } from './worker-options.js';

/** The job process: BullMQ processors and schedules live here and only here. */
@Module({
  imports: [ConfigModule, LoggingModule.forService('worker'), DatabaseModule, RedisModule, QueueModule, GithubModule, MailModule, MetricsModule, DiscoveryModule],
  providers: [GithubProcessor, MailProcessor, workerOptionsProvider([GithubProcessor, MailProcessor]), GithubSchedule, ReadinessProbe, WorkerHealthServer, JobMetrics],
})
export class WorkerModule {}
