import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { GithubJob, SchedulerId, type GithubJobData } from '#libs/github';
import { QueueName } from '#libs/redis';

/**
 * Registers the stale sweep as a BullMQ job scheduler. `upsertJobScheduler` is idempotent, so every
 * worker replica may call it at start: there is still one scheduler producing one job every
 * `GITHUB_SWEEP_EVERY_MS` (a minute by default).
 */
@Injectable()
export class GithubSchedule implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Github) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SchedulerId.GithubSweepStale,
      { every: this.config.GITHUB_SWEEP_EVERY_MS },
      { name: GithubJob.SweepStale, data: {} satisfies GithubJobData[typeof GithubJob.SweepStale], opts: { attempts: 1, removeOnComplete: 10, removeOnFail: 10 } },
    );
  }
}
