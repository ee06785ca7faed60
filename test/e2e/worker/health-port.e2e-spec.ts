import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import { WorkerModule } from '../../../apps/worker/src/worker.module.js';
import { WorkerHealthServer } from '../../../apps/worker/src/health-server.js';
import { APP_CONFIG, loadConfig, type AppConfig } from '#libs/config';
import { REDIS } from '#libs/redis';

/** The worker's optional probe port. */
describe('worker probe port', () => {
  let worker: TestingModule | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  async function boot(overrides: Partial<AppConfig>): Promise<TestingModule> {
    worker = await Test.createTestingModule({ imports: [WorkerModule] })
      .overrideProvider(APP_CONFIG)
      .useValue({ ...loadConfig(), ...overrides })
      .compile();
    await worker.init();
    return worker;
  }

  it('opens no port unless WORKER_PORT is set', async () => {
    const w = await boot({ WORKER_PORT: undefined });
    expect(w.get(WorkerHealthServer).port).toBeUndefined();
  });

  it('answers /health and /ready, 404 elsewhere, and closes with the worker', async () => {
    const w = await boot({ WORKER_PORT: 0 });
    const base = `http://127.0.0.1:${w.get(WorkerHealthServer).port}`;
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });
    expect((await fetch(`${base}/jobs`)).status).toBe(404);
    expect((await fetch(`${base}/health`, { method: 'POST' })).status).toBe(405);
    await w.close();
    worker = undefined;
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });

  it('reports not ready when Redis is gone', async () => {
    const w = await boot({ WORKER_PORT: 0 });
    const base = `http://127.0.0.1:${w.get(WorkerHealthServer).port}`;
    w.get<Redis>(REDIS).disconnect();
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'error', postgres: 'up', redis: 'down' });
  });
});
