// Scale-out and observability costs (bench/README.md). Build first:
// `npm run build && npx tsc -p bench/scale/tsconfig.json`, then `node dist/bench/scale/run.js [--rounds 1]`.
// Measures GET /api/users/@me and a cached repos search (10,000 repos) with 1 api vs 2 api processes
// (same total connections, split evenly), each on one standalone Redis and on a local 3-master Redis
// Cluster (started here from redis-server, ports 7311-7313), and @me with METRICS_PORT set and with
// tracing on (OTLP/HTTP to a sink in this process) against both off.
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { recreateDatabase } from '../support/bench-database.mjs';
import { createRedisClient, masterNodes } from '../../libs/redis/src/connection.js';
import { githubAppSettings, startFakeGithub } from '../../test/support/fake-github/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '1' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } } });
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_bench_scale';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const PORTS = [18031, 18032];
const METRICS_PORT = 18039;
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);

const gh = await startFakeGithub({ rateLimit: 10_000_000 });
const IID = 778_001;
gh.addInstallation({ id: IID, account: { login: 'bench' }, repos: 10_000 });

// Spans are accepted and dropped: the cost measured is the service's, not a collector's.
let spansReceived = 0;
const sink = createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    spansReceived++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;

interface Stack { apis: number; cluster?: boolean; metrics?: boolean; tracing?: boolean }

// The test run's own cluster starter (run from the repository root, as the header says).
const { startRedisCluster } = (await import(pathToFileURL('scripts/test-services.mjs').href)) as { startRedisCluster: (ports: number[]) => Promise<{ nodes?: string; skipped?: string; stop: () => void }> };
const cluster = await startRedisCluster([7311, 7312, 7313]);
if (!cluster.nodes) throw new Error(`no Redis Cluster: ${cluster.skipped}`);
const redisSettings = (stack: Stack) => ({ REDIS_URL, REDIS_CLUSTER_NODES: stack.cluster ? cluster.nodes : undefined });

const baseEnv = (stack: Stack): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'production',
  SECRET_KEY: 'bench-secret-key',
  LOG_LEVEL: 'warn',
  DATABASE_URL,
  QUEUE_PREFIX: 'bench-scale',
  ...githubAppSettings(gh),
  GITHUB_COLD_WAIT_MS: '60000',
  GITHUB_REFRESH_WAIT_MS: '60000',
  REDIS_URL,
  REDIS_CLUSTER_NODES: redisSettings(stack).REDIS_CLUSTER_NODES ?? '',
  ...(stack.metrics ? { METRICS_PORT: String(METRICS_PORT) } : {}),
  ...(stack.tracing ? { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_SERVICE_NAME: 'users-api-bench' } : {}),
});

async function flushRedis(stack: Stack): Promise<void> {
  const r = createRedisClient(redisSettings(stack));
  await Promise.all(masterNodes(r).map((node) => node.flushdb()));
  await r.quit();
}

function cli(env: NodeJS.ProcessEnv, ...args: string[]): Record<string, unknown> {
  const out = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', ...args], { env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`cli ${args[0]} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await sleep(100);
  }
}

/** A fresh database and Redis, one worker and `apis` api processes; the repos cache warmed. */
async function startStack(stack: Stack): Promise<{ key: string; stop: () => Promise<void> }> {
  await recreateDatabase(DATABASE_URL);
  await flushRedis(stack);
  const env = baseEnv(stack);
  const email = 'bench-scale@example.com';
  const user = cli(env, 'users:create', '--email', email, '--password', 'correct-Horse-battery-7');
  cli(env, 'orgs:create', '--name', 'Bench Org', '--owner', email);
  const key = String(cli(env, 'keys:create', '--email', email, '--label', 'bench', '--scopes', 'user:read,user:write').value);
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  await db.query(
    `INSERT INTO github_integrations (user_id, installation_id, account, repository_selection, github_user) VALUES ($1, $2, $3, 'all', $4)`,
    [user.id, IID, { type: 'User', login: 'bench', id: 1 }, { login: 'bench', id: 1 }],
  );
  await db.end();
  const children: ChildProcess[] = [spawn(process.execPath, ['dist/apps/worker/src/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] })];
  for (let i = 0; i < stack.apis; i++) {
    // Only the first api gets the metrics port: two processes cannot share it.
    const apiEnv = { ...env, PORT: String(PORTS[i]), ...(i > 0 ? { METRICS_PORT: '' } : {}) };
    children.push(spawn(process.execPath, ['dist/apps/api/src/main.js'], { env: apiEnv, stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  for (let i = 0; i < stack.apis; i++) await waitFor(`http://127.0.0.1:${PORTS[i]}/api/health`);
  const warm = await fetch(reposUrl(PORTS[0]), { headers: { Authorization: `Bearer ${key}` } });
  if (warm.status !== 200) throw new Error(`warm-up: ${warm.status} ${await warm.text()}`);
  await warm.arrayBuffer();
  return {
    key,
    stop: async () => {
      await Promise.all(children.map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      })));
    },
  };
}

const reposUrl = (port: number) => `http://127.0.0.1:${port}/api/users/@me/integrations/github/${IID}/repos/?search=repo-01&limit=100`;
const meUrl = (port: number) => `http://127.0.0.1:${port}/api/users/@me/`;

interface Result { rps: number; p99: number; errors: number }

/** `CONNECTIONS` split evenly over the api processes; req/s summed, p99 the worst of them. */
async function load(urls: string[], key: string): Promise<Result> {
  const run = (duration: number) => Promise.all(urls.map((url) => autocannon({
    url, duration, connections: Math.round(CONNECTIONS / urls.length), headers: { Authorization: `Bearer ${key}` },
  })));
  await run(3); // warm-up (JIT, pools)
  const results = await run(DURATION);
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
  };
}

const rows: string[] = [];
const record = (round: number, name: string, r: Result) => {
  rows.push(`| ${round} | ${name} | ${r.rps.toFixed(0)} | ${r.p99} | ${r.errors} |`);
  console.error(rows.at(-1));
};

const configurations: Array<{ name: string; stack: Stack; targets: Array<'me' | 'repos'> }> = [
  { name: '1 api', stack: { apis: 1 }, targets: ['me', 'repos'] },
  { name: '2 apis', stack: { apis: 2 }, targets: ['me', 'repos'] },
  { name: '1 api, Redis Cluster', stack: { apis: 1, cluster: true }, targets: ['me', 'repos'] },
  { name: '2 apis, Redis Cluster', stack: { apis: 2, cluster: true }, targets: ['me', 'repos'] },
  { name: '1 api, METRICS_PORT set', stack: { apis: 1, metrics: true }, targets: ['me'] },
  { name: '1 api, tracing on', stack: { apis: 1, tracing: true }, targets: ['me'] },
];

for (let round = 1; round <= Number(values.rounds); round++) {
  for (const { name, stack, targets } of configurations) {
    const { key, stop } = await startStack(stack);
    try {
      const ports = PORTS.slice(0, stack.apis);
      for (const target of targets) {
        record(round, `${target === 'me' ? 'GET @me' : 'repos search'}, ${name}`, await load(ports.map(target === 'me' ? meUrl : reposUrl), key));
      }
    } finally {
      await stop();
    }
  }
}

console.log(`\n${CONNECTIONS} connections in all, ${DURATION} s per measurement; OTLP requests received while tracing: ${spansReceived}\n`);
console.log('| round | measurement | req/s | p99 ms | non-2xx + errors |\n|---|---|---|---|---|');
for (const row of rows) console.log(row);
sink.close();
cluster.stop();
await gh.close();
process.exit(0);
