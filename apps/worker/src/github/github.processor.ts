import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { BranchesSync, GithubJob, ReposSync, StaleSweep, WebhookHandler, type GithubJobData, type SyncOutcome } from '#libs/github';
import { QueueName, unknownJob, type JobOf } from '#libs/redis';

/** Runs the GitHub queue's jobs; the work itself lives in #libs/github. */
@Processor(QueueName.Github, { concurrency: 4 })
export class GithubProcessor extends WorkerHost {
  constructor(
    private readonly repos: ReposSync,
    private readonly branches: BranchesSync,
    private readonly sweep: StaleSweep,
    private readonly webhooks: WebhookHandler,
  ) {
    super();
  }

  async process(job: JobOf<GithubJobData>, token?: string): Promise<unknown> {
    switch (job.name) {
      case GithubJob.RefreshRepos:
        return this.settle(job, token, await this.repos.run(job.data.installationId));
      case GithubJob.RefreshBranches:
        return this.settle(job, token, await this.branches.run(job.data.installationId, job.data.repo));
      case GithubJob.HandleWebhook:
        return { result: await this.webhooks.handle(job.data) };
      case GithubJob.SweepStale:
        return { enqueued: await this.sweep.run() };
      default:
        // A job from a newer release: never retried here.
        throw new UnrecoverableError(unknownJob(job).message);
    }
  }

  /** Turns a sync outcome into BullMQ semantics (delay is not a failure; stop is never retried). */
  private async settle(job: Job, token: string | undefined, outcome: SyncOutcome): Promise<unknown> {
    switch (outcome.kind) {
      case 'done':
        return { ok: true };
      case 'delay':
        await job.moveToDelayed(outcome.untilMs, token);
        throw new DelayedError();
      case 'stop':
        throw new UnrecoverableError(outcome.reason);
      case 'retry':
        throw new Error(outcome.reason);
    }
  }
}
