import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerModule } from '../../../../apps/worker/src/worker.module.js';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { QueueName } from '#libs/redis';
import { startSmtpSink, type SmtpSink } from '../../../support/smtp-sink.js';
import { createTestApp, type TestApp } from '../../../support/test-app.js';

export const FRONTEND = 'http://frontend.test';

export interface MailHarness {
  t: TestApp;
  sink: SmtpSink;
  worker: TestingModule;
  queue: Queue;
  /** Waits (polling, with a deadline) until the mail queue has no waiting, delayed or active job. */
  drain: (timeoutMs?: number) => Promise<void>;
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

/** The API and an in-process worker, e-mail pointed at a real SMTP server in this process. */
export async function startMailHarness(config: Partial<AppConfig> = {}): Promise<MailHarness> {
  const sink = await startSmtpSink();
  const t = await createTestApp({
    config: { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: sink.port, EMAIL_DEFAULT_FROM: 'PostHog <noreply@posthog.test>', FRONTEND_URL: FRONTEND, ...config },
  });
  const worker = await Test.createTestingModule({ imports: [WorkerModule] }).overrideProvider(APP_CONFIG).useValue(t.config).compile();
  await worker.init();
  const queue = worker.get<Queue>(getQueueToken(QueueName.Mail));
  const drain = async (timeoutMs = 10000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`mail queue not drained: ${JSON.stringify(counts)}`);
      await sleep(25);
    }
  };
  return {
    t,
    sink,
    worker,
    queue,
    drain,
    reset: async () => {
      await drain();
      await t.reset();
      sink.clear();
      sink.rejectWith(null);
    },
    close: async () => {
      await worker.close();
      await t.close();
      await sink.close();
    },
  };
}

/** The 6-digit code in a received message. */
export function codeIn(html: string): string {
  const match = /<strong>(\d{6})<\/strong>/.exec(html);
  if (!match) throw new Error('no code in the message');
  return match[1]!;
}

/** The reset link's uuid and token in a received message. */
export function resetLinkIn(html: string): { url: string; uuid: string; token: string } {
  const match = /href="(http:\/\/frontend\.test\/reset\/([0-9a-f-]{36})\/([^"]+))"/.exec(html);
  if (!match) throw new Error('no reset link in the message');
  return { url: match[1]!, uuid: match[2]!, token: match[3]! };
}
