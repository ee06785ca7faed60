// The extra servers of the test run's second and third passes (scripts/run-tests.mjs): a local
// 3-master Redis Cluster and PgBouncer in transaction mode. Each is started from the binaries on the
// machine, in a scratch directory, and stopped at the end; a missing binary means "skip", said once.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const redisCli = (port, ...args) => execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const pgbouncerBinary = () => ['pgbouncer', '/usr/sbin/pgbouncer'].find((c) => (c.startsWith('/') ? existsSync(c) : has(c)));

async function until(check, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error.fatal) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/**
 * A fresh 3-master Redis Cluster (no replicas, no persistence) on `ports`; returns its seed list and
 * a stop function, or `{ skipped }` when redis-server or redis-cli is missing.
 */
export async function startRedisCluster(ports = [7301, 7302, 7303]) {
  if (!has('redis-server') || !has('redis-cli')) return { skipped: 'redis-server and redis-cli are not installed' };
  const root = join(tmpdir(), 'users-api-redis-cluster');
  const stop = () => {
    for (const port of ports) spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
  };
  stop(); // a cluster left behind by an interrupted run
  rmSync(root, { recursive: true, force: true });
  for (const port of ports) {
    const dir = join(root, String(port));
    mkdirSync(dir, { recursive: true });
    execFileSync('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes',
      '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'),
      '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log'),
    ]);
  }
  try {
    for (const port of ports) await until(() => redisCli(port, 'ping').trim() === 'PONG', `redis-server on ${port}`);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
    for (const port of ports) await until(() => /cluster_state:ok/.test(redisCli(port, 'cluster', 'info')), `the cluster on ${port}`);
  } catch (error) {
    stop();
    throw error;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), stop };
}

/**
 * PgBouncer at its default settings but for what it must be told (where PostgreSQL is, transaction
 * pooling, trust auth as the local test server has), in front of the PostgreSQL of `databaseUrl`.
 * Returns `databaseUrl` rewritten to go through it and a stop function, or `{ skipped }`.
 */
export async function startPgBouncer(databaseUrl, port = 6439) {
  const binary = pgbouncerBinary();
  if (!binary) return { skipped: 'pgbouncer is not installed (Debian: apt-get install pgbouncer)' };
  const server = new URL(databaseUrl);
  const dir = join(tmpdir(), 'users-api-pgbouncer');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const user = decodeURIComponent(server.username || 'postgres');
  // trust auth still wants every user listed: the test role, and the role of the database-waits suite.
  writeFileSync(join(dir, 'userlist.txt'), [user, 'users_api_waits'].map((u) => `"${u}" ""\n`).join(''));
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: as root, it drops to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(dir, 0o755);
  // Its log goes to a file beside its configuration, for a look after a failed run.
  const log = openSync(join(dir, 'pgbouncer.log'), 'a');
  const child = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  const stderr = () => readFileSync(join(dir, 'pgbouncer.log'), 'utf8').split('\n').filter((l) => /FATAL|ERROR/.test(l)).join('\n');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const through = new URL(databaseUrl);
  through.hostname = '127.0.0.1';
  through.port = String(port);
  const { default: pg } = await import('pg');
  try {
    await until(async () => {
      if (child.exitCode !== null) throw Object.assign(new Error(`pgbouncer exited: ${stderr()}`), { fatal: true });
      const client = new pg.Client({ connectionString: through.toString(), connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, 'pgbouncer');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${error.message} (log: ${join(dir, 'pgbouncer.log')})`, { cause: error });
  }
  return {
    url: through.toString(),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
