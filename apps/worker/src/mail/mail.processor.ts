import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError } from 'bullmq';
import { MailJob, MailSender, PasswordResetService, type MailJobData } from '#libs/mail';
import { QueueName, unknownJob, type JobOf } from '#libs/redis';

/** Runs the mail queue's jobs; rendering and SMTP live in #libs/mail. */
@Processor(QueueName.Mail, { concurrency: 4 })
export class MailProcessor extends WorkerHost {
  constructor(
    private readonly sender: MailSender,
    private readonly resets: PasswordResetService,
  ) {
    super();
  }

  async process(job: JobOf<MailJobData>): Promise<unknown> {
    switch (job.name) {
      case MailJob.Send: {
        const outcome = await this.sender.send(job.id ?? job.name, job.data);
        // Only transient failures go back to BullMQ's retries; a 5xx or a refused login is final.
        if (outcome.kind === 'retry') throw new Error(outcome.reason);
        if (outcome.kind === 'stop') throw new UnrecoverableError(outcome.reason);
        return { result: outcome.kind };
      }
      case MailJob.PasswordReset:
        await this.resets.sendLink(job.data.email);
        return { result: 'done' };
      default:
        // A job from a newer release: never retried here.
        throw new UnrecoverableError(unknownJob(job).message);
    }
  }
}
