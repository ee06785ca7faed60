import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBuilt, freePort, spawnBuilt } from '../../support/build.js';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/test-env.js';

const GRACE_MS = 6000;
const DRAIN_MS = 800;

/** The built api's graceful shutdown (docs/operations.md, Shutdown). */
describe('api graceful shutdown (built process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    ensureBuilt();
    t = await createTestApp();
  }, 180_000);
  afterAll(() => t?.close());

  it('on SIGTERM: /api/ready 503 at once, new requests still served while draining, the in-flight request 200, gone within the grace', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:read']);
    const port = await freePort();
    const api = spawnBuilt('apps/api/src/main.js', [], {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: String(port),
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      DATABASE_STATEMENT_TIMEOUT_MS: '30000',
    });
    const side = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await side.connect();
    const base = `http://127.0.0.1:${port}`;
    try {
      await api.waitFor(/Nest application successfully started/, 20_000);
      expect((await fetch(`${base}/api/ready`)).status).toBe(200);

      // A request held by a table lock: in flight when the signal comes.
      await side.query('BEGIN');
      await side.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`${base}/api/users/@me/`, { headers: { Authorization: `Bearer ${key}` } });
      const deadline = Date.now() + 10_000;
      while (Number((await side.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)).rows[0].n) === 0) {
        if (Date.now() > deadline) throw new Error('the request never waited on the lock');
        await sleep(20);
      }

      api.child.kill('SIGTERM');
      const signalledAt = Date.now();
      // The signal reaches the process asynchronously: the first readiness probe after it may race it.
      let ready = await fetch(`${base}/api/ready`);
      while (ready.status === 200 && Date.now() - signalledAt < 200) ready = await fetch(`${base}/api/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ type: 'server_error', code: 'not_ready', detail: 'Not ready: shutting down.', attr: null });
      // Still serving new requests during the drain period.
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      expect(Date.now() - signalledAt).toBeLessThan(DRAIN_MS);

      // Past the drain the server closes but waits for the request in flight.
      await sleep(DRAIN_MS + 700);
      expect(api.child.exitCode).toBeNull();
      await side.query('ROLLBACK');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { uuid: string }).uuid).toBe(user.uuid);

      const exit = await Promise.race([api.exited, sleep(GRACE_MS).then(() => 'still running')]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(GRACE_MS);
    } finally {
      await side.end();
      if (api.child.exitCode === null && api.child.signalCode === null) {
        api.child.kill('SIGKILL');
        await api.exited;
      }
    }
  }, 60_000);
});
