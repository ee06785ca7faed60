// GET /api/users/@me with a personal API key: the built service vs the bare baseline.
// Usage: npm run build && node bench/me/run.mjs [--duration 10] [--connections 50] [--rounds 3]
// Rounds alternate baseline and service (this machine's figures drift by ±30 % between runs);
// the table gives each round and the medians.
// Uses BENCH_DATABASE_URL (default .../users_api_bench, recreated and migrated) and BENCH_REDIS_URL
// (default redis://127.0.0.1:6379/15, flushed). Ports 18001 (service) and 18002 (baseline).
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { recreateDatabase } from '../support/bench-database.mjs';
import { cpuSeconds, median, seedOneUserWithKey, start } from '../support/processes.mjs';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, 'log-level': { type: 'string', default: 'info' }, rounds: { type: 'string', default: '3' } } });
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const SERVICE_PORT = 18001;
const BASELINE_PORT = 18002;

async function prepareDatabase() {
  await recreateDatabase(DATABASE_URL);
  return seedOneUserWithKey(DATABASE_URL, REDIS_URL);
}

async function measure(name, url, key, pid) {
  const check = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
  if (check.status !== 200) throw new Error(`${name}: ${check.status} ${await check.text()}`);
  const opts = { url, connections: Number(values.connections), headers: { Authorization: `Bearer ${key}` } };
  await autocannon({ ...opts, duration: 3 }); // warm-up (JIT, pools)
  const cpuBefore = cpuSeconds(pid);
  const r = await autocannon({ ...opts, duration: Number(values.duration) });
  const cpuMsPerRequest = ((cpuSeconds(pid) - cpuBefore) * 1000) / r.requests.total;
  if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, cpuMsPerRequest };
}

const key = await prepareDatabase();
// BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to the service's node.
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const service = await start([...nodeArgs, 'dist/apps/api/src/main.js'], { DATABASE_URL, REDIS_URL, PORT: String(SERVICE_PORT), NODE_ENV: 'production', SECRET_KEY: 'bench', LOG_LEVEL: values['log-level'] }, `http://127.0.0.1:${SERVICE_PORT}/api/health`);
const baseline = await start(['bench/me/baseline.mjs'], { DATABASE_URL, PORT: String(BASELINE_PORT) }, `http://127.0.0.1:${BASELINE_PORT}/`);
try {
  const rounds = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    rounds.push([
      await measure('baseline (node:http + pg)', `http://127.0.0.1:${BASELINE_PORT}/api/users/@me/`, key, baseline.pid),
      await measure(`service (NestJS, LOG_LEVEL=${values['log-level']})`, `http://127.0.0.1:${SERVICE_PORT}/api/users/@me/`, key, service.pid),
    ]);
  }
  console.log(`\nGET /api/users/@me, API key, ${values.connections} connections, ${values.duration} s, ${rounds.length} rounds\n`);
  console.log('| round | server | req/s | p50 ms | p99 ms | requests | CPU ms/request |\n|---|---|---|---|---|---|---|');
  rounds.forEach((pair, i) => {
    for (const r of pair) console.log(`| ${i + 1} | ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.cpuMsPerRequest.toFixed(2)} |`);
    console.log(`| ${i + 1} | ratio | ${(pair[1].rps / pair[0].rps).toFixed(2)} | | | | ${(pair[1].cpuMsPerRequest / pair[0].cpuMsPerRequest).toFixed(2)}x |`);
  });
  const ratios = rounds.map(([b, s]) => s.rps / b.rps);
  const m = (side, field) => median(rounds.map((pair) => pair[side][field]));
  console.log(`\nmedians: baseline ${m(0, 'rps').toFixed(0)} req/s (p99 ${m(0, 'p99')} ms, ${m(0, 'cpuMsPerRequest').toFixed(2)} ms CPU), service ${m(1, 'rps').toFixed(0)} req/s (p99 ${m(1, 'p99')} ms, ${m(1, 'cpuMsPerRequest').toFixed(2)} ms CPU), ratio of the round ratios ${median(ratios).toFixed(2)}`);
} finally {
  service.kill('SIGTERM');
  baseline.kill('SIGTERM');
}
