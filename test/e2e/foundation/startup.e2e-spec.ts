import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ensureBuilt, freePort, jsonLines, runBuilt, spawnBuilt } from '../../support/build.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/test-env.js';

const STARTUP_TIMEOUT_MS = 2500;
const ENV = { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, NODE_ENV: 'development', LOG_LEVEL: 'info', QUEUE_PREFIX: 'test-startup', STARTUP_TIMEOUT_MS: String(STARTUP_TIMEOUT_MS) };

/** A database URL on the test server whose database does not exist (dropped if it does). */
async function missingDatabase(admin: pg.Client, tag: string): Promise<string> {
  const url = new URL(TEST_DATABASE_URL);
  const name = `${url.pathname.slice(1)}_${tag}`;
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A newcomer's start-up, on the built processes (docs/operations.md, Start-up): the migration
 * command creates a missing database; the api and the worker say within 5 s what is wrong and what
 * to run, retry, and exit non-zero after STARTUP_TIMEOUT_MS.
 */
describe('start-up that explains itself (built processes)', () => {
  let admin: pg.Client;
  const created: string[] = [];
  beforeAll(async () => {
    ensureBuilt();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = '/postgres';
    admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
  }, 180_000);
  afterAll(async () => {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('npm run migration:run creates a missing database, then applies every migration; run again, none pending', async () => {
    const url = await missingDatabase(admin, 'fresh_migrate');
    const name = new URL(url).pathname.slice(1);
    created.push(name);
    const first = await runBuilt('libs/database/src/migrate.js', [], { ...ENV, DATABASE_URL: url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`created database "${name}"`);
    expect(first.stdout).toMatch(/migrations applied: /);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      expect((await db.query(`SELECT to_regclass('users')::text AS t`)).rows[0].t).toBe('users');
    } finally {
      await db.end();
    }
    const again = await runBuilt('libs/database/src/migrate.js', [], { ...ENV, DATABASE_URL: url });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('migrations: none pending');
    expect(again.stdout).not.toContain('created database');
  }, 60_000);

  it('npm run migration:run against a closed PostgreSQL port says so in one line and exits 1', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runBuilt('libs/database/src/migrate.js', [], { ...ENV, DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${port}/users_api` });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(`PostgreSQL is unreachable at 127.0.0.1:${port} (ECONNREFUSED): start PostgreSQL, or point DATABASE_URL at it`);
  });

  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['a missing database', async () => ({ DATABASE_URL: await missingDatabase(admin, 'never_created') }), /PostgreSQL database "\w+_never_created" does not exist on 127\.0\.0\.1:\d+: run `npm run migration:run`/],
    ['a closed PostgreSQL port', async () => ({ DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/users_api` }), /PostgreSQL is unreachable at 127\.0\.0\.1:\d+ \(ECONNREFUSED\): start PostgreSQL, or point DATABASE_URL at it/],
    ['a closed Redis port', async () => ({ REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` }), /Redis is unreachable at 127\.0\.0\.1:\d+ \(ECONNREFUSED\): start Redis, or point REDIS_URL at it/],
    [
      'closed Redis Cluster seed ports',
      async () => ({ REDIS_CLUSTER_NODES: `127.0.0.1:${await freePort()},127.0.0.1:${await freePort()}` }),
      /Redis Cluster is unreachable at 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \(.+\): start the cluster, or point REDIS_CLUSTER_NODES at it/,
    ],
    // A single Redis named as a cluster: it answers, but serves no slots.
    ['a seed node without cluster mode', async () => ({ REDIS_CLUSTER_NODES: '127.0.0.1:6379' }), /Redis Cluster is unreachable at 127\.0\.0\.1:6379 \(ERR This instance has cluster support disabled\)/],
  ];
  describe.each([
    ['api', 'apps/api/src/main.js'],
    ['worker', 'apps/worker/src/main.js'],
  ])('%s', (service, entry) => {
    it.each(cases)('with %s: one clear line within 5 s, retries, exits 1 after STARTUP_TIMEOUT_MS', async (_what, envFor, message) => {
      const started = Date.now();
      const run = spawnBuilt(entry, [], { ...ENV, PORT: String(await freePort()), ...(await envFor()) });
      await run.waitFor(/"dependency":"(postgres|redis)"/, 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(String(jsonLines(run.stdout())[0]!.msg)).toMatch(message);
      const { code } = await run.exited;
      const elapsed = Date.now() - started;
      expect(code).toBe(1);
      expect(elapsed).toBeGreaterThanOrEqual(STARTUP_TIMEOUT_MS);
      expect(elapsed).toBeLessThan(STARTUP_TIMEOUT_MS + 8000);
      const lines = jsonLines(run.stdout()).filter((l) => message.test(String(l.msg)));
      // Retried with backoff (more than one attempt), the last one fatal, each a JSON line of this service.
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(line).toMatchObject({ service });
      expect(lines.at(-1)).toMatchObject({ level: 60 });
      expect(String(lines.at(-1)!.msg)).toContain('gave up after 2.5 s (STARTUP_TIMEOUT_MS)');
      expect(run.stdout()).not.toContain('Nest application successfully started');
      expect(run.stderr()).not.toMatch(/\n\s+at /);
    }, 30_000);
  });
});
