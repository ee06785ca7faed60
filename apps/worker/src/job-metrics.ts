import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Metrics } from '#libs/metrics';
import { QueueName } from '#libs/redis';

const seconds = (job: Job | undefined) => (job?.processedOn && job.finishedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined);

/**
 * Job metrics and log lines for every processor of this worker, whichever queue it serves: each finished attempt
 * (`bullmq_jobs_total`, `bullmq_job_duration_seconds`), and the queues' job counts read from Redis
 * when scraped (`bullmq_queue_jobs`). A rate-limited job moved back to delayed is neither.
 */
@Injectable()
export class JobMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: Metrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(JobMetrics.name);
  }

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const host: unknown = wrapper.instance;
      if (!(host instanceof WorkerHost)) continue;
      const worker = host.worker;
      // Ids and names only: payloads and failure reasons can hold addresses, links and codes.
      worker.on('completed', (job: Job) => {
        this.metrics.jobFinished(worker.name, job.name, 'completed', seconds(job));
        this.logger.debug({ queue: worker.name, job: job.name, id: job.id, attempt: job.attemptsMade, seconds: seconds(job) }, 'job completed');
      });
      worker.on('failed', (job: Job | undefined) => {
        if (!job) return;
        this.metrics.jobFinished(worker.name, job.name, 'failed', seconds(job));
        this.logger.warn({ queue: worker.name, job: job.name, id: job.id, attempt: job.attemptsMade }, 'job attempt failed');
      });
    }
    const queues = Object.values(QueueName).map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    this.metrics.watchQueues(() =>
      Promise.all(queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts('waiting', 'active', 'delayed', 'failed') }))),
    );
  }
}
