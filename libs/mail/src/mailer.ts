import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { MailJob, QueueName, type MailJobData } from '#libs/redis';
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

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.Mail) private readonly queue: Queue,
  ) {}

  get available(): boolean {
    return isEmailAvailable(this.config);
  }

  /**
   * Queues the message; false when e-mail is not available (nothing queued). A queue failure is
   * logged and swallowed: sending never changes the answer of the request that caused it.
   */
  async send<T extends MailTemplate>(template: T, to: string, params: MailTemplates[T], messageKey: string): Promise<boolean> {
    if (!this.available) return false;
    const data: MailJobData[typeof MailJob.Send] = { to, template, params: params as Record<string, string> };
    const recipient = createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 32);
    try {
      await this.queue.add(MailJob.Send, data, {
        jobId: `${messageKey}.${recipient}`,
        attempts: MAIL_ATTEMPTS,
        backoff: { type: 'exponential', delay: MAIL_BACKOFF_MS },
        // Jobs hold codes and links: gone once sent; failed ones kept a day for inspection.
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      });
      return true;
    } catch (error) {
      this.logger.error(`Could not queue a ${template} message: ${(error as Error).name}`);
      return false;
    }
  }
}
