import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { jobAdder, QueueName, type AddJob } from '#libs/redis';
import { GITHUB_TUNING, type GithubTuning } from './github-tuning.js';

/** The GitHub queue's job names (persisted with every job: add; never rename or reuse). */
export const GithubJob = {
  RefreshRepos: 'github.refresh-repos',
  RefreshBranches: 'github.refresh-branches',
  SweepStale: 'github.sweep-stale',
  HandleWebhook: 'github.handle-webhook',
} as const;
export type GithubJob = (typeof GithubJob)[keyof typeof GithubJob];

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

/** Each GitHub job's payload, by name: producers, the schedule and the processor share this map. */
export interface GithubJobData {
  [GithubJob.RefreshRepos]: RefreshReposData;
  [GithubJob.RefreshBranches]: RefreshBranchesData;
  /** The schedule's sweep carries nothing: it reads the integrations. */
  [GithubJob.SweepStale]: Record<string, never>;
  [GithubJob.HandleWebhook]: WebhookData;
}

/** Ids of BullMQ job schedulers (repeatable jobs); persisted like the names above. */
export const SchedulerId = {
  GithubSweepStale: 'github-sweep-stale',
} as const;

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
  private readonly add: AddJob<GithubJobData>;

  constructor(
    @InjectQueue(QueueName.Github) private readonly queue: Queue,
    @Inject(GITHUB_TUNING) private readonly tuning: GithubTuning,
  ) {
    this.add = jobAdder<GithubJobData>(queue);
  }

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
    await this.add(GithubJob.RefreshRepos, { installationId }, this.options(`repos:${installationId}`, priority));
  }

  /**
   * The schedule's refresh: nothing if a refresh of the installation is already queued or running
   * (a scheduled sweep never adds the "one waiting" a user's refresh may). Returns whether it added one.
   */
  async refreshReposIfIdle(installationId: number): Promise<boolean> {
    const dedupId = `repos:${installationId}`;
    if (await this.queue.getDeduplicationJobId(dedupId)) return false;
    await this.add(GithubJob.RefreshRepos, { installationId }, this.options(dedupId, 'low', false));
    return true;
  }

  async refreshBranches(installationId: number, repo: string, priority: JobPriority): Promise<void> {
    const dedupId = `branches:${installationId}:${repo.toLowerCase()}`;
    await this.add(GithubJob.RefreshBranches, { installationId, repo }, this.options(dedupId, priority, priority === 'high'));
  }

  async handleWebhook(data: WebhookData): Promise<void> {
    await this.add(GithubJob.HandleWebhook, data, { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 100, removeOnFail: 500 });
  }
}
