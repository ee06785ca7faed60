import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { GithubProcessor } from '../../../apps/worker/src/github/github.processor.js';
import { MailProcessor } from '../../../apps/worker/src/mail/mail.processor.js';
import { WorkerModule } from '../../../apps/worker/src/worker.module.js';
import { APP_CONFIG, loadConfig } from '#libs/config';

/** Every worker takes its lock and stalled-check settings from the configuration (docs/operations.md, Crash recovery). */
describe('worker lock settings', () => {
  let worker: TestingModule;
  beforeAll(async () => {
    const config = { ...loadConfig(), QUEUE_LOCK_DURATION_MS: 7000, QUEUE_STALLED_INTERVAL_MS: 2500 };
    worker = await Test.createTestingModule({ imports: [WorkerModule] }).overrideProvider(APP_CONFIG).useValue(config).compile();
    await worker.init();
  });
  afterAll(() => worker?.close());

  it.each([
    ['github', GithubProcessor],
    ['mail', MailProcessor],
  ] as const)('the %s worker locks for QUEUE_LOCK_DURATION_MS, renews at half and checks stalls every QUEUE_STALLED_INTERVAL_MS', (_name, processor) => {
    expect(worker.get(processor).worker.opts).toMatchObject({ lockDuration: 7000, lockRenewTime: 3500, stalledInterval: 2500, maxStalledCount: 1 });
  });
});
