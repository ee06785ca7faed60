import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { MailSender, PasswordResetService } from '#libs/mail';
import { MailJob, QueueName, type MailJobData } from '#libs/redis';

/** Runs the mail queue's jobs; rendering and SMTP live in #libs/mail. */
@Processor(QueueName.Mail, { concurrency: 4 })
export class MailProcessor extends WorkerHost {
  constructor(
    private readonly sender: MailSender,
    private readonly resets: PasswordResetService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as MailJob;
    switch (name) {
      case MailJob.Send: {
        const outcome = await this.sender.send(job.id ?? job.name, job.data as MailJobData[typeof MailJob.Send]);
        // Only transient failures go back to BullMQ's retries; a 5xx or a refused login is final.
        if (outcome.kind === 'retry') throw new Error(outcome.reason);
        if (outcome.kind === 'stop') throw new UnrecoverableError(outcome.reason);
        return { result: outcome.kind };
      }
      case MailJob.PasswordReset:
        await this.resets.sendLink((job.data as MailJobData[typeof MailJob.PasswordReset]).email);
        return { result: 'done' };
      default: {
        const unknown: never = name;
        throw new UnrecoverableError(`Unknown mail job ${String(unknown)}`);
      }
    }
  }
}
