// GitHub cache benchmark (bench/github.md). Build first: `npm run build && npx tsc -p bench/github/tsconfig.json`,
// then `node dist/bench/github/run.js`. Starts the fake GitHub in this process, and the API and the
// worker as child processes from dist/, on BENCH_DATABASE_URL / BENCH_REDIS_URL (both are written to).
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { openLoop } from '../open-loop/loadgen.mjs';
import { recreateDatabase } from '../support/bench-database.mjs';
import { githubAppSettings, startFakeGithub } from '../../test/support/fake-github/index.js';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_bench_github';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/4';
const PORT = Number(process.env.BENCH_PORT ?? 18021);
const base = `http://127.0.0.1:${PORT}`;

const gh = await startFakeGithub({ rateLimit: 10_000_000 });
const IID = 777_001;
const BIG = 777_002;
gh.addInstallation({ id: IID, account: { login: 'bench' }, repos: 10_000 });
gh.addInstallation({ id: BIG, account: { login: 'huge' }, repos: 50_000 });

const env = {
  ...process.env,
  NODE_ENV: 'production',
  SECRET_KEY: 'bench-secret-key',
  LOG_LEVEL: 'warn',
  DATABASE_URL,
  REDIS_URL,
  QUEUE_PREFIX: 'bench-bull',
  PORT: String(PORT),
  ...githubAppSettings(gh),
  GITHUB_COLD_WAIT_MS: '60000',
  GITHUB_REFRESH_WAIT_MS: '60000',
};

await recreateDatabase(DATABASE_URL);
const redis = new Redis(REDIS_URL);
await redis.flushdb();

const cli = (...args: string[]) => {
  const out = spawnSync(process.execPath, ['dist/apps/cli/src/main.js', ...args], { env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`cli ${args[0]} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
};
const email = `bench-${Date.now()}@example.com`;
const user = cli('users:create', '--email', email, '--password', 'correct-Horse-battery-7');
const key = String(cli('keys:create', '--email', email, '--label', 'bench', '--scopes', 'user:read,user:write').value);

const children: ChildProcess[] = [];
// A failed step must not leave the api, worker or baseline running on their ports.
process.on('exit', () => {
  for (const c of children) c.kill('SIGTERM');
});
const start = (script: string, flags: string[] = []) => {
  const child = spawn(process.execPath, [...flags, script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
};
const worker = start('dist/apps/worker/src/main.js');
start('dist/apps/api/src/main.js', process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []);
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) break;
  } catch {
    if (i > 200) throw new Error('API did not start');
  }
  await sleep(100);
}
// The minute sweep would sync the installations behind the measurements: stop it, then link them.
const queue = new Queue('github', { connection: { url: REDIS_URL }, prefix: 'bench-bull' });
// The worker registers it once booted (possibly after the API answers).
while (!(await queue.getJobScheduler('github-sweep-stale'))) await sleep(100);
await sleep(500);
await queue.removeJobScheduler('github-sweep-stale');
await queue.drain(true);
await queue.close();
const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
for (const iid of [IID, BIG]) {
  await db.query(
    `INSERT INTO github_integrations (user_id, installation_id, account, repository_selection, github_user) VALUES ($1, $2, $3, 'all', $4)`,
    [user.id, iid, { type: 'User', login: 'bench', id: 1 }, { login: 'bench', id: 1 }],
  );
}
await db.end();
const auth = { Authorization: `Bearer ${key}` };
const reposUrl = (iid: number, q = '') => `${base}/api/users/@me/integrations/github/${iid}/repos/${q}`;
const calls = (iid: number) => gh.calls.filter((c) => c.installationId === iid);
const pageCalls = (iid: number) => calls(iid).filter((c) => c.path === '/installation/repositories');
const mints = (iid: number) => calls(iid).filter((c) => c.path.endsWith('/access_tokens'));
const age = (iid: number) => redis.hset(`gh:inst:${iid}:meta`, 'synced_at', Date.now() - 2 * 3600_000);
const results: Record<string, unknown> = {};

// 1. Cold fill: 100 pages + 1 token.
let t0 = Date.now();
let res = await fetch(reposUrl(IID), { headers: auth });
results.coldFill = { status: res.status, ms: Date.now() - t0, total: ((await res.json()) as { total: number }).total, pageRequests: pageCalls(IID).length, tokenRequests: mints(IID).length };

// 2. Unchanged refresh: one conditional request answered 304.
gh.resetCalls();
await age(IID);
res = await fetch(`${reposUrl(IID)}refresh/`, { method: 'POST', headers: auth });
await res.arrayBuffer();
results.unchangedRefresh = { status: res.status, requests: calls(IID).map((c) => c.status) };

// 3. 1,000 cached reads: no GitHub call.
gh.resetCalls();
for (let i = 0; i < 1000; i++) await (await fetch(reposUrl(IID, `?offset=${i}`), { headers: auth })).arrayBuffer();
results.cachedReads = { reads: 1000, githubCalls: calls(IID).length };

// 4. 100 parallel refreshes of a changed list: at most 2 sweeps.
gh.setRepos(IID, 10_001);
await age(IID);
gh.resetCalls();
const statuses = await Promise.all(Array.from({ length: 100 }, async () => {
  const r = await fetch(`${reposUrl(IID)}refresh/`, { method: 'POST', headers: auth });
  await r.arrayBuffer();
  return r.status;
}));
results.parallelRefresh = { statuses: [...new Set(statuses)], sweeps: pageCalls(IID).filter((c) => (c.query.page ?? '1') === '1').length, pageRequests: pageCalls(IID).length };

// 5a. Context: the same auth and framework path without GitHub (GET /api/users/@me/).
const baseline = await autocannon({ url: `${base}/api/users/@me/`, connections: 50, duration: 10, headers: auth });
results.authenticatedBaseline = { reqPerS: baseline.requests.average, p50: baseline.latency.p50, p99: baseline.latency.p99 };

// 5. Search throughput, and the floor: a bare redis GET of the same snapshot.
const search = await autocannon({ url: reposUrl(IID, '?search=repo-01&limit=100'), connections: 50, duration: 10, headers: auth });
const version = await redis.hget(`gh:inst:${IID}:meta`, 'version');
const snapshotKey = `gh:inst:${IID}:repos:${version}`;
const snapshotBytes = await redis.strlen(snapshotKey);
let redisGets = 0;
const until = Date.now() + 10_000;
const clients = Array.from({ length: 50 }, () => new Redis(REDIS_URL));
await Promise.all(clients.map(async (c) => {
  while (Date.now() < until) {
    await c.getBuffer(snapshotKey);
    redisGets++;
  }
}));
await Promise.all(clients.map((c) => c.quit()));
const redisPerS = redisGets / 10;
results.search = {
  reqPerS: search.requests.average, p50: search.latency.p50, p99: search.latency.p99, non2xx: search.non2xx, errors: search.errors,
  bareRedisGetPerS: redisPerS, snapshotBytes, ratioToRedisGet: Number((search.requests.average / redisPerS).toFixed(2)),
};

// 5b. Open loop: the same search offered at fixed rates to the service and to a bare node:http
// server holding the same list in memory (bench/github/bare-search.mjs), alternating.
const BARE_PORT = PORT + 1;
const bare = spawn(process.execPath, ['bench/github/bare-search.mjs'], { env: { ...env, PORT: String(BARE_PORT), REPOS_URL: reposUrl(IID), KEY: key }, stdio: ['ignore', 'ignore', 'inherit'] });
children.push(bare);
const bareUrl = `http://127.0.0.1:${BARE_PORT}/?search=repo-01&limit=100`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(bareUrl)).ok) break;
  } catch {
    if (i > 200) throw new Error('bare search did not start');
  }
  await sleep(100);
}
const [bareBody, serviceBody] = await Promise.all([fetch(bareUrl).then((r) => r.text()), fetch(reposUrl(IID, '?search=repo-01&limit=100'), { headers: auth }).then((r) => r.text())]);
if (bareBody !== serviceBody) throw new Error('the bare search answers a different body than the service');
const bareMax = (await autocannon({ url: bareUrl, connections: 50, duration: 5 })).requests.average;
const openLoopRows: Array<Record<string, unknown>> = [];
for (const fraction of (process.env.BENCH_RATES ?? '0.3,0.5,0.7,0.9,1.1').split(',').map(Number)) {
  const rate = Math.round(bareMax * fraction);
  for (const [server, url, headers] of [['bare', bareUrl, {}], ['service', reposUrl(IID, '?search=repo-01&limit=100'), auth]] as const) {
    const r = await openLoop({ url, headers, rate, durationS: Number(process.env.BENCH_OPEN_LOOP_S ?? 10) });
    openLoopRows.push({ fraction, server, ...r });
  }
}
results.searchOpenLoop = { bareClosedLoopMax: bareMax, rows: openLoopRows };

// 6. Worker peak RSS while syncing 50,000 repositories.
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const before = hwm();
t0 = Date.now();
res = await fetch(reposUrl(BIG), { headers: auth });
results.bigSync = { status: res.status, ms: Date.now() - t0, total: ((await res.json()) as { total: number }).total, pageRequests: pageCalls(BIG).length, workerPeakRssMbBefore: before.toFixed(1), workerPeakRssMb: hwm().toFixed(1) };

console.log(JSON.stringify(results, null, 2));
for (const c of children) c.kill('SIGTERM');
await sleep(1500);
await redis.quit();
await gh.close();
process.exit(0);

