import { beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureBuilt, freePort, jsonLines, runBuilt, spawnBuilt } from '../../support/build.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/test-env.js';

const ENV = { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, NODE_ENV: 'development', LOG_LEVEL: 'info', QUEUE_PREFIX: 'test-bull' };

describe('the built processes', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  describe('api', () => {
    it.each([
      [{ PORT: 'eighty' }, 'PORT'],
      [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
      [{ NODE_ENV: 'production', SECRET_KEY: '' }, 'SECRET_KEY'],
    ])('refuses to start with %j, naming the variable, exit code 1', async (env, name) => {
      const { code, stderr, stdout } = await runBuilt('apps/api/src/main.js', [], { ...ENV, ...env });
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^Invalid configuration:\\n  ${name}: `));
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).toBe('');
    });

    it('serves on PORT and tags every request log line with the request id', async () => {
      const port = await freePort();
      const api = spawnBuilt('apps/api/src/main.js', [], { ...ENV, PORT: String(port) });
      try {
        await api.waitFor(/Nest application successfully started/);
        const res = await fetch(`http://127.0.0.1:${port}/api/users/@me`, { headers: { 'X-Request-Id': 'trace-42' } });
        expect(res.status).toBe(401);
        expect(res.headers.get('x-request-id')).toBe('trace-42');
        await api.waitFor('"trace-42"');
        const lines = jsonLines(api.stdout()).filter((l) => JSON.stringify(l).includes('trace-42'));
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(line).toMatchObject({ service: 'api', req: expect.objectContaining({ id: 'trace-42' }) });
        // Credentials never reach the logs.
        await fetch(`http://127.0.0.1:${port}/api/users/@me`, { headers: { Authorization: 'Bearer phx_secret', 'X-Request-Id': 'trace-43' } });
        await api.waitFor('"trace-43"');
        expect(api.stdout()).not.toContain('phx_secret');
      } finally {
        api.child.kill('SIGTERM');
        await api.exited;
      }
    }, 30_000);

    it('logs a 500 at error level with the request id, and answers the generic body', async () => {
      // A database without the schema makes the API-key lookup fail like any unexpected SQL error.
      const url = new URL(TEST_DATABASE_URL);
      const name = `${url.pathname.slice(1)}_unmigrated`;
      url.pathname = '/postgres';
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
      url.pathname = `/${name}`;
      const port = await freePort();
      const api = spawnBuilt('apps/api/src/main.js', [], { ...ENV, DATABASE_URL: url.toString(), PORT: String(port) });
      try {
        await api.waitFor(/Nest application successfully started/);
        // It starts, but says first what is missing and what to run.
        expect(jsonLines(api.stdout()).find((l) => l.dependency === 'postgres')).toMatchObject({
          level: 40,
          msg: `PostgreSQL database "${name}" has no schema yet: run \`npm run migration:run\``,
        });
        const res = await fetch(`http://127.0.0.1:${port}/api/users/@me`, { headers: { Authorization: 'Bearer phx_x', 'X-Request-Id': 'trace-500' } });
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null });
        await api.waitFor('"unhandled error"');
        const logged = jsonLines(api.stdout()).find((l) => l.msg === 'unhandled error');
        expect(logged).toMatchObject({ level: 50, req: expect.objectContaining({ id: 'trace-500' }), err: expect.objectContaining({ message: expect.stringContaining('personal_api_keys') }) });
      } finally {
        api.child.kill('SIGTERM');
        await api.exited;
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      }
    }, 30_000);
  });

  describe('worker', () => {
    it('boots, registers the queues on Redis and exits 0 on SIGTERM', async () => {
      const redis = new Redis(TEST_REDIS_URL);
      const db = `db=${new URL(TEST_REDIS_URL).pathname.slice(1) || '0'} `;
      const connectionsHere = async () => String(await redis.client('LIST')).split('\n').filter((l) => l.includes(db)).length;
      const before = await connectionsHere();
      const worker = spawnBuilt('apps/worker/src/main.js', [], ENV);
      try {
        await worker.waitFor('worker started');
        const started = jsonLines(worker.stdout()).find((l) => l.msg === 'worker started');
        expect(started).toMatchObject({ service: 'worker', queues: ['github', 'mail'] });
        // The queues' connections (and the shared client) are open on this Redis database.
        expect(await connectionsHere()).toBeGreaterThan(before);
        worker.child.kill('SIGTERM');
        const exit = await Promise.race([worker.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
        expect(exit).toEqual({ code: 0, signal: null });
        expect(worker.stdout()).toContain('worker stopping');
        // ...and every one of them is closed again.
        expect(await connectionsHere()).toBe(before);
      } finally {
        if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
        redis.disconnect();
      }
    }, 30_000);

    it('refuses to start with a bad REDIS_URL, naming it', async () => {
      const { code, stderr } = await runBuilt('apps/worker/src/main.js', [], { ...ENV, REDIS_URL: 'http://x' });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^Invalid configuration:\n {2}REDIS_URL: /);
    });
  });
});
