// Benchmarks of the users endpoints (see ../users.md). Run from the repository root after a build:
//   npm run build && node bench/users/run.mjs
// It recreates its own database (BENCH_DATABASE_URL), seeds 10,000 users, starts the built API on
// BENCH_PORT and measures with autocannon at 20 connections.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { recreateDatabase } from '../support/bench-database.mjs';

const PORT = Number(process.env.BENCH_PORT ?? 18011);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_bench_users';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/3';
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const ORGANIZATIONS = 100;
const CONNECTIONS = 20;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const BASE = `http://127.0.0.1:${PORT}`;

/** Makes an API key row the way ApiKeysService does (sha256 of the whole value). */
async function insertKey(db, userId) {
  const value = `phx_${randomBytes(32).toString('base64url').replace(/[-_]/g, 'x').slice(0, 43)}`;
  const hash = `sha256$${createHash('sha256').update(value).digest('hex')}`;
  await db.query(
    `INSERT INTO personal_api_keys (user_id, label, secure_value, mask_value, scopes) VALUES ($1, 'bench', $2, $3, '{*}')`,
    [userId, hash, `${value.slice(0, 4)}...${value.slice(-4)}`],
  );
  return value;
}

/** 100 organizations with a team each; 10,000 users, each a member of one and pointing at it. */
async function seed() {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  await db.query(`INSERT INTO organizations (name, slug) SELECT 'Org ' || g, 'org-' || g FROM generate_series(1, $1) g`, [ORGANIZATIONS]);
  await db.query(`INSERT INTO teams (organization_id, name, api_token) SELECT id, 'Default project', 'phc_' || md5(id::text) FROM organizations`);
  await db.query(
    `INSERT INTO users (email, first_name, distinct_id, is_staff) SELECT 'user' || g || '@example.com', 'User ' || g, md5(g::text), g = 1
     FROM generate_series(1, $1) g`,
    [USERS],
  );
  await db.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organizations)
     INSERT INTO organization_memberships (organization_id, user_id, level)
     SELECT o.id, u.id, 1 FROM users u JOIN o ON o.n = (u.id % $1) + 1`,
    [ORGANIZATIONS],
  );
  await db.query(
    `UPDATE users u SET current_organization_id = m.organization_id, current_team_id = t.id
     FROM organization_memberships m JOIN teams t ON t.organization_id = m.organization_id WHERE m.user_id = u.id`,
  );
  const staffKey = await insertKey(db, 1);
  const userKey = await insertKey(db, 2);
  await db.end();
  return { staffKey, userKey };
}

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
const { staffKey, userKey } = await seed();
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
