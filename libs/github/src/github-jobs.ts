import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { GithubJob, QueueName } from '#libs/redis';
import { GITHUB_TUNING, type GithubTuning } from './github-tuning.js';

export interface RefreshReposData {
  installationId: number;
}

export interface RefreshBranchesData {
  installationId: number;
  /** `owner/repo` as asked for. */
  repo: string;
}

export interface WebhookData {
  event: string;
  deliveryId: string;
  payload: Record<string, unknown>;
}

/** User-triggered work runs before scheduled sweeps (BullMQ: lower number, higher priority). */
export type JobPriority = 'high' | 'low';
const PRIORITY: Record<JobPriority, number> = { high: 1, low: 10 };

/**
 * Producers of the GitHub queue. Refreshes are de-duplicated per installation (and per repository
 * for branches) with BullMQ's `deduplication.keepLastIfActive`: at most one running and one waiting
 * job per id, whatever the number of callers, API replicas or schedulers.
 */
@Injectable()
export class GithubJobs {
  constructor(
    @InjectQueue(QueueName.Github) private readonly queue: Queue,
    @Inject(GITHUB_TUNING) private readonly tuning: GithubTuning,
  ) {}

  /**
   * `keepLastIfActive`: an add during a running job queues one more run after it (new information
   * must be picked up). Without it (background and scheduled refreshes), an add while any job of the
   * id is queued or running is simply dropped.
   */
  private options(dedupId: string, priority: JobPriority, keepLastIfActive = true): JobsOptions {
    return {
      priority: PRIORITY[priority],
      deduplication: keepLastIfActive ? { id: dedupId, keepLastIfActive: true } : { id: dedupId },
      attempts: 5,
      backoff: { type: 'exponential', delay: this.tuning.jobBackoffMs },
      removeOnComplete: 100,
      removeOnFail: 500,
    };
  }

  async refreshRepos(installationId: number, priority: JobPriority): Promise<void> {
    const data: RefreshReposData = { installationId };
    await this.queue.add(GithubJob.RefreshRepos, data, this.options(`repos:${installationId}`, priority));
  }

  /**
   * The schedule's refresh: nothing if a refresh of the installation is already queued or running
   * (a scheduled sweep never adds the "one waiting" a user's refresh may). Returns whether it added one.
   */
  async refreshReposIfIdle(installationId: number): Promise<boolean> {
    const dedupId = `repos:${installationId}`;
    if (await this.queue.getDeduplicationJobId(dedupId)) return false;
    const data: RefreshReposData = { installationId };
    await this.queue.add(GithubJob.RefreshRepos, data, this.options(dedupId, 'low', false));
    return true;
  }

  async refreshBranches(installationId: number, repo: string, priority: JobPriority): Promise<void> {
    const data: RefreshBranchesData = { installationId, repo };
    await this.queue.add(GithubJob.RefreshBranches, data, this.options(`branches:${installationId}:${repo.toLowerCase()}`, priority, priority === 'high'));
  }

  async handleWebhook(data: WebhookData): Promise<void> {
    await this.queue.add(GithubJob.HandleWebhook, data, { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 100, removeOnFail: 500 });
  }
}
