import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { jobAdder, QueueName, type AddJob } from '#libs/redis';
import { MailJob, type MailJobData } from './mail-jobs.js';
import { isEmailAvailable } from './mail-settings.js';
import type { MailTemplate, MailTemplates } from './templates.js';

/** Retries: three after the first attempt, for transient SMTP failures only (the worker decides). */
export const MAIL_ATTEMPTS = 4;
export const MAIL_BACKOFF_MS = 1000;

/**
 * Queues messages for the worker. `messageKey` names one message (e.g. one issued code); the job
 * id is derived from it and the recipient, so queuing the same message twice sends it once.
 */
@Injectable()
export class Mailer {
  private readonly logger = new Logger(Mailer.name);

  private readonly add: AddJob<MailJobData>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.Mail) queue: Queue,
  ) {
    this.add = jobAdder<MailJobData>(queue);
  }

  get available(): boolean {
    return isEmailAvailable(this.config);
  }

  /**
   * Queues the message; false when e-mail is not available (nothing queued). A queue failure is
   * logged and swallowed: sending never changes the answer of the request that caused it.
   */
  async send<T extends MailTemplate>(template: T, to: string, params: MailTemplates[T], messageKey: string): Promise<boolean> {
    if (!this.available) return false;
    const recipient = createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 32);
    return this.enqueue(MailJob.Send, { to, template, params: params as Record<string, string> }, `${messageKey}.${recipient}`, template);
  }

  /** Queues a password reset request for the worker, which looks the address up (docs/api.md, Password reset). */
  async requestPasswordReset(email: string): Promise<boolean> {
    if (!this.available) return false;
    return this.enqueue(MailJob.PasswordReset, { email }, `password_reset_request.${randomUUID()}`, 'password reset request');
  }

  private async enqueue<N extends MailJob>(name: N, data: MailJobData[N], jobId: string, what: string): Promise<boolean> {
    try {
      await this.add(name, data, {
        jobId,
        attempts: MAIL_ATTEMPTS,
        backoff: { type: 'exponential', delay: MAIL_BACKOFF_MS },
        // Jobs hold addresses, codes and links: gone once done; failed ones kept a day for inspection.
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      });
      return true;
    } catch (error) {
      this.logger.error(`Could not queue a ${what}: ${(error as Error).name}`);
      return false;
    }
  }
}
