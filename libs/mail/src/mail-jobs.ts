import type { MailTemplate } from './templates.js';

/** The mail queue's job names (persisted with every job: add; never rename or reuse). */
export const MailJob = {
  Send: 'mail.send',
  /** A password reset request: the worker looks the address up, so the api's answer takes the same time either way. */
  PasswordReset: 'mail.password-reset',
} as const;
export type MailJob = (typeof MailJob)[keyof typeof MailJob];

/** One message to one recipient; the worker renders `template` with `params`. */
export interface SendMailData {
  to: string;
  template: MailTemplate;
  params: Record<string, string>;
}

/** Each mail job's payload, by name: producers and the processor share this one map. */
export interface MailJobData {
  [MailJob.Send]: SendMailData;
  [MailJob.PasswordReset]: { email: string };
}
