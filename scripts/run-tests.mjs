// Runs the Jest suite and ends with the plain "N passed, N failed" line CI reads, exiting non-zero
// when anything failed. Extra arguments go to Jest and run one pass (e.g. `npm test -- test/users`).
//
// With no arguments, three passes:
//   1. every test, on TEST_DATABASE_URL and TEST_REDIS_URL;
//   2. the Redis-dependent suites again on a local 3-master Redis Cluster (TEST_REDIS_CLUSTER_NODES,
//      or one started here from redis-server);
//   3. the database-dependent suites again through PgBouncer in transaction mode (started here
//      from the pgbouncer binary).
// A pass whose server cannot be had is skipped with one line saying why (TEST_SKIP_CLUSTER=1 and
// TEST_SKIP_PGBOUNCER=1 skip them on purpose; TEST_PASSES=2,3 runs only those passes).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { startPgBouncer, startRedisCluster } from './test-services.mjs';

/** Sessions and CSRF, throttles, the GitHub cache, refresh, schedules, webhooks, workers, e-mail and 2FA counters. */
const CLUSTER_SUITES = [
  'test/e2e/foundation/sessions',
  'test/e2e/foundation/session-security',
  'test/e2e/hardening/hostile-input',
  'test/e2e/github/',
  'test/e2e/worker/lifecycle',
  'test/e2e/email/verify-email',
  'test/e2e/email/transport',
  'test/e2e/two-factor/login',
  'test/e2e/passkeys/login',
  'test/e2e/replicas/',
];

/** The users API, keys, organizations, bounded waits, migrations and the built processes. */
const PGBOUNCER_SUITES = [
  'test/e2e/users/',
  'test/e2e/api-keys/',
  'test/e2e/foundation/api-keys',
  'test/e2e/foundation/organizations',
  'test/e2e/foundation/migrations',
  'test/e2e/foundation/cli',
  'test/e2e/hardening/database-waits',
  'test/e2e/hardening/concurrency',
  'test/e2e/signal-autonomy/',
  'test/e2e/github/integrations',
  'test/e2e/replicas/',
];

const resultFile = '.jest-result.json';

/** One Jest run in band; returns its counts (a suite that fails to load counts as a failure). */
function jest(args, env = {}) {
  rmSync(resultFile, { force: true });
  const run = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--runInBand', '--json', `--outputFile=${resultFile}`, ...args],
    { stdio: 'inherit', env: { ...process.env, ...env } },
  );
  try {
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
    // Jest failing without a failed test (no test found, a crash after the run) still fails.
    return { passed: result.numPassedTests, failed: failed === 0 && run.status !== 0 ? 1 : failed };
  } catch {
    return { passed: 0, failed: 1 };
  }
}

const totals = { passed: 0, failed: 0 };
const add = (label, r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
  console.log(`[${label}] ${r.passed} passed, ${r.failed} failed`);
};

const jestArgs = process.argv.slice(2);
if (jestArgs.length > 0) {
  add('tests', jest(jestArgs));
} else {
  const passes = new Set((process.env.TEST_PASSES ?? '1,2,3').split(',').map((p) => p.trim()));
  if (passes.has('1')) add('pass 1: all tests', jest([]));

  if (!passes.has('2')) {
    // not asked for
  } else if (process.env.TEST_SKIP_CLUSTER === '1') console.log('[pass 2: Redis Cluster] skipped: TEST_SKIP_CLUSTER=1');
  else {
    let cluster = process.env.TEST_REDIS_CLUSTER_NODES ? { nodes: process.env.TEST_REDIS_CLUSTER_NODES, stop: () => undefined } : undefined;
    try {
      cluster ??= await startRedisCluster();
    } catch (error) {
      cluster = { skipped: `could not start a local cluster: ${error.message}` };
    }
    if (cluster.skipped) console.log(`[pass 2: Redis Cluster] skipped: ${cluster.skipped}`);
    else {
      try {
        console.log(`[pass 2: Redis Cluster] on ${cluster.nodes}`);
        add('pass 2: Redis Cluster', jest(CLUSTER_SUITES, { TEST_REDIS_CLUSTER_NODES: cluster.nodes }));
      } finally {
        cluster.stop();
      }
    }
  }

  if (!passes.has('3')) {
    // not asked for
  } else if (process.env.TEST_SKIP_PGBOUNCER === '1') console.log('[pass 3: PgBouncer] skipped: TEST_SKIP_PGBOUNCER=1');
  else {
    const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_test';
    let bouncer;
    try {
      bouncer = await startPgBouncer(databaseUrl);
    } catch (error) {
      bouncer = { skipped: `could not start PgBouncer: ${error.message}` };
    }
    if (bouncer.skipped) console.log(`[pass 3: PgBouncer] skipped: ${bouncer.skipped}`);
    else {
      try {
        console.log(`[pass 3: PgBouncer] transaction pooling at ${new URL(bouncer.url).host}`);
        add('pass 3: PgBouncer', jest(PGBOUNCER_SUITES, { TEST_DATABASE_URL: bouncer.url }));
      } finally {
        await bouncer.stop();
      }
    }
  }
}

console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
