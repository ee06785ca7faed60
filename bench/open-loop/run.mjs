// Open-loop benchmark: the built service and a bare baseline doing the same work on the same data,
// offered the same fixed request rates, alternating, in one run. Targets:
//   me     GET /api/users/@me/ with an API key, vs bench/me/baseline.mjs
//   users  GET /api/users/?limit=100 with a staff key over 10,000 users, vs bench/users/baseline.mjs
// Usage: npm run build && node bench/open-loop/run.mjs --target me|users [--duration 10] [--rounds 1] [--rates 0.3,0.5,0.7,0.9,1.1,1.3]
// Before measuring it checks that both servers answer the same body.
// Rates are fractions of the baseline's maximum, measured first with a closed loop of 50 connections.
// Uses BENCH_DATABASE_URL (default .../users_api_bench_open, recreated) and BENCH_REDIS_URL (default /14).
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { recreateDatabase } from '../support/bench-database.mjs';
import { seedOneUserWithKey, start } from '../support/processes.mjs';
import { seedUsers } from '../support/seed-users.mjs';
import { openLoop } from './loadgen.mjs';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'me' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    rates: { type: 'string', default: '0.3,0.5,0.7,0.9,1.1,1.3' },
  },
});
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_bench_open';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const SERVICE_PORT = 18041;
const BASELINE_PORT = 18042;

const TARGETS = {
  me: { path: '/api/users/@me/', baseline: 'bench/me/baseline.mjs', seed: () => seedOneUserWithKey(DATABASE_URL, REDIS_URL) },
  users: { path: '/api/users/?limit=100', baseline: 'bench/users/baseline.mjs', seed: async () => (await seedUsers(DATABASE_URL, 10_000)).staffKey },
};
const target = TARGETS[values.target];
if (!target) throw new Error(`--target must be one of ${Object.keys(TARGETS).join(', ')}`);

await recreateDatabase(DATABASE_URL);
const key = await target.seed();
const headers = { Authorization: `Bearer ${key}` };
const service = await start(['dist/apps/api/src/main.js'], { DATABASE_URL, REDIS_URL, PORT: String(SERVICE_PORT), NODE_ENV: 'production', SECRET_KEY: 'bench' }, `http://127.0.0.1:${SERVICE_PORT}/api/health`);
const baseline = await start([target.baseline], { DATABASE_URL, PORT: String(BASELINE_PORT) }, `http://127.0.0.1:${BASELINE_PORT}/`);
const n = (x) => x.toFixed(1);
const servers = [
  { name: 'baseline', url: `http://127.0.0.1:${BASELINE_PORT}${target.path}` },
  { name: 'service', url: `http://127.0.0.1:${SERVICE_PORT}${target.path}` },
];
// Page links carry each server's own port; everything else must be byte-for-byte the same.
const comparable = (body) => JSON.stringify({ ...body, next: undefined, previous: undefined });
try {
  const bodies = [];
  for (const s of servers) {
    const check = await fetch(s.url, { headers });
    if (check.status !== 200) throw new Error(`${s.name}: ${check.status} ${await check.text()}`);
    bodies.push(comparable(await check.json()));
    await autocannon({ url: s.url, headers, connections: 50, duration: 3 }); // warm-up (JIT, pools)
  }
  if (bodies[0] !== bodies[1]) throw new Error(`the baseline's body differs from the service's:\n${bodies[0].slice(0, 2000)}\n${bodies[1].slice(0, 2000)}`);
  const closed = await autocannon({ url: servers[0].url, headers, connections: 50, duration: 5 });
  const bareMax = closed.requests.average;
  console.log(`\nGET ${target.path}; baseline closed-loop maximum ${bareMax.toFixed(0)} req/s; ${values.duration} s per step\n`);
  console.log('| round | offered (× bare max) | server | offered req/s | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const fractions = values.rates.split(',').map(Number);
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const f of fractions) {
      const rate = Math.round(bareMax * f);
      for (const s of round % 2 ? servers : servers.toReversed()) {
        const r = await openLoop({ url: s.url, headers, rate, durationS: Number(values.duration) });
        console.log(`| ${round} | ${f} | ${s.name} | ${rate} | ${r.achieved.toFixed(0)} | ${n(r.p50)} | ${n(r.p90)} | ${n(r.p99)} | ${n(r.max)} | ${r.errors} |`);
      }
    }
  }
} finally {
  service.kill('SIGTERM');
  baseline.kill('SIGTERM');
}
