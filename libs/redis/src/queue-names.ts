/**
 * Queue and job names. They are persisted in Redis with every waiting, delayed and scheduled job:
 * renaming one strands the jobs already stored under the old name. Add; never rename or reuse.
 */
export const QueueName = {
  /** GitHub repository and branch caches: refreshes, the stale sweep and webhook events. */
  Github: 'github',
  /** Outgoing e-mail (one job per message and recipient). */
  Mail: 'mail',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const GithubJob = {
  RefreshRepos: 'github.refresh-repos',
  RefreshBranches: 'github.refresh-branches',
  SweepStale: 'github.sweep-stale',
  HandleWebhook: 'github.handle-webhook',
} as const;
export type GithubJob = (typeof GithubJob)[keyof typeof GithubJob];

export const MailJob = {
  Send: 'mail.send',
  /** A password reset request: the worker looks the address up, so the api's answer takes the same time either way. */
  PasswordReset: 'mail.password-reset',
} as const;
export type MailJob = (typeof MailJob)[keyof typeof MailJob];

/** One message to one recipient; the worker renders `template` with `params` (libs/mail). */
export interface SendMailData {
  to: string;
  template: string;
  params: Record<string, string>;
}

/** Each mail job's payload, by job name: producers and the processor share this one map. */
export interface MailJobData {
  [MailJob.Send]: SendMailData;
  [MailJob.PasswordReset]: { email: string };
}

/** Ids of BullMQ job schedulers (repeatable jobs); persisted like the names above. */
export const SchedulerId = {
  GithubSweepStale: 'github-sweep-stale',
} as const;
