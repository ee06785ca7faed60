import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { GithubJob, SchedulerId, type GithubJobData } from '#libs/github';
import { QueueName } from '#libs/redis';

export const SWEEP_EVERY_MS = 60_000;

/**
 * Registers the stale sweep as a BullMQ job scheduler. `upsertJobScheduler` is idempotent, so every
 * worker replica may call it at start: there is still one scheduler producing one job a minute.
 */
@Injectable()
export class GithubSchedule implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Github) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SchedulerId.GithubSweepStale,
      { every: SWEEP_EVERY_MS },
      { name: GithubJob.SweepStale, data: {} satisfies GithubJobData[typeof GithubJob.SweepStale], opts: { attempts: 1, removeOnComplete: 10, removeOnFail: 10 } },
    );
  }
}
