import { Module } from '@nestjs/common';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { LoggingModule } from '#libs/logging';
import { QueueModule, RedisModule } from '#libs/redis';

/** The job process: BullMQ processors and schedules live here and only here. */
@Module({
  imports: [ConfigModule, LoggingModule.forService('worker'), DatabaseModule, RedisModule, QueueModule],
})
export class WorkerModule {}
