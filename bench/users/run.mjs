// Benchmarks of the users endpoints (see ../users.md). Run from the repository root after a build:
//   npm run build && node bench/users/run.mjs
// It recreates its own database (BENCH_DATABASE_URL), seeds 10,000 users, starts the built API on
// BENCH_PORT and measures with autocannon at 20 connections.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { recreateDatabase } from '../support/bench-database.mjs';
import { seedUsers } from '../support/seed-users.mjs';

const PORT = Number(process.env.BENCH_PORT ?? 18011);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_bench_users';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/3';
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const CONNECTIONS = 20;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const BASE = `http://127.0.0.1:${PORT}`;

async function waitForHealth() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('API did not become healthy');
}

function run(title, options) {
  return new Promise((resolve, reject) => {
    const { path, ...rest } = options;
    autocannon({ url: `${BASE}${path}`, connections: CONNECTIONS, duration: DURATION_S, ...rest }, (error, result) => {
      if (error) return reject(error);
      const summary = {
        title,
        requestsPerSecond: result.requests.average,
        latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
        non2xx: result.non2xx,
        errors: result.errors,
        total: result.requests.total,
      };
      console.log(JSON.stringify(summary));
      resolve(summary);
    });
  });
}

await recreateDatabase(DATABASE_URL);
const { staffKey, userKey } = await seedUsers(DATABASE_URL, USERS);
const api = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/apps/api/src/main.js'], {
  env: { ...process.env, NODE_ENV: 'production', SECRET_KEY: randomBytes(32).toString('hex'), PORT: String(PORT), DATABASE_URL, REDIS_URL, LOG_LEVEL: 'silent' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await waitForHealth();
  const list = { method: 'GET', path: '/api/users/?limit=100', headers: { authorization: `Bearer ${staffKey}` } };
  const patch = {
    method: 'PATCH',
    path: '/api/users/@me/',
    headers: { authorization: `Bearer ${userKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ theme_mode: 'dark', first_name: 'Bench' }),
  };
  for (const [name, req] of [['list', list], ['patch', patch]]) {
    const res = await fetch(`${BASE}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
    if (!res.ok) throw new Error(`${name}: ${res.status} ${await res.text()}`);
  }
  await run('warm-up', { ...list, duration: 3 });
  await run('warm-up', { ...patch, duration: 3 });
  const results = [await run('GET /api/users/?limit=100 (staff, 10,000 users)', list), await run('PATCH /api/users/@me/ (small body)', patch)];
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/users-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, JSON.stringify(results, null, 2));
} finally {
  api.kill('SIGTERM');
}
