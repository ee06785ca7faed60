import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bullmq';
import { Metrics } from '#libs/metrics';
import { QueueName } from '#libs/redis';

const seconds = (job: Job | undefined) => (job?.processedOn && job.finishedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined);

/**
 * Job metrics for every processor of this worker, whichever queue it serves: each finished attempt
 * (`bullmq_jobs_total`, `bullmq_job_duration_seconds`), and the queues' job counts read from Redis
 * when scraped (`bullmq_queue_jobs`). A rate-limited job moved back to delayed is neither.
 */
@Injectable()
export class JobMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const host: unknown = wrapper.instance;
      if (!(host instanceof WorkerHost)) continue;
      const worker = host.worker;
      worker.on('completed', (job: Job) => this.metrics.jobFinished(worker.name, job.name, 'completed', seconds(job)));
      worker.on('failed', (job: Job | undefined) => {
        if (job) this.metrics.jobFinished(worker.name, job.name, 'failed', seconds(job));
      });
    }
    const queues = Object.values(QueueName).map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    this.metrics.watchQueues(() =>
      Promise.all(queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts('waiting', 'active', 'delayed', 'failed') }))),
    );
  }
}
