/**
 * Queue names. They are persisted in Redis with every waiting, delayed and scheduled job: renaming
 * one strands the jobs already stored under the old name. Add; never rename or reuse. Each queue's
 * job names and payloads live in its domain lib (libs/github, libs/mail).
 */
export const QueueName = {
  /** GitHub repository and branch caches: refreshes, the stale sweep and webhook events. */
  Github: 'github',
  /** Outgoing e-mail (one job per message and recipient) and password reset requests. */
  Mail: 'mail',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
