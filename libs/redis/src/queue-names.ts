/**
 * Queue and job names. They are persisted in Redis with every waiting, delayed and scheduled job:
 * renaming one strands the jobs already stored under the old name. Add; never rename or reuse.
 */
export const QueueName = {
  /** GitHub repository and branch caches: refreshes, the stale sweep and webhook events. */
  Github: 'github',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const GithubJob = {
  RefreshRepos: 'github.refresh-repos',
  RefreshBranches: 'github.refresh-branches',
  SweepStale: 'github.sweep-stale',
  HandleWebhook: 'github.handle-webhook',
} as const;
export type GithubJob = (typeof GithubJob)[keyof typeof GithubJob];

/** Ids of BullMQ job schedulers (repeatable jobs); persisted like the names above. */
export const SchedulerId = {
  GithubSweepStale: 'github-sweep-stale',
} as const;
