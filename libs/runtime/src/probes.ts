import pg from 'pg';
import type { AppConfig } from '#libs/config';
import { describePostgresError, MIGRATIONS_TABLE } from '#libs/database';
import { assertRedisServes, createRedisClient, redisAddress } from '#libs/redis';

/** What a start-up probe found: nothing wrong, a problem that keeps the process from starting, or a warning. */
export type ProbeResult = { ok: true; warning?: string } | { ok: false; problem: string };

/** Each probe gives up after this long, so the first line comes well within 5 s of start-up. */
const PROBE_TIMEOUT_MS = 3000;

const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';

/** PostgreSQL at `url`: reachable, the login accepted, the database there (and migrated: else a warning). */
export async function probeDatabase(url: string): Promise<ProbeResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS, query_timeout: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const [row] = (await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [MIGRATIONS_TABLE])).rows;
    if (!row?.table) return { ok: true, warning: `PostgreSQL database "${databaseName(url)}" has no schema yet: run \`npm run migration:run\`` };
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: describePostgresError(error, url) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Redis (the single node, or the cluster of REDIS_CLUSTER_NODES): reachable, serving, and the login (if any) accepted. */
export async function probeRedis(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>): Promise<ProbeResult> {
  const where = redisAddress(config);
  const [what, setting, start] = config.REDIS_CLUSTER_NODES ? ['Redis Cluster', 'REDIS_CLUSTER_NODES', 'the cluster'] : ['Redis', 'REDIS_URL', 'Redis'];
  const redis = createRedisClient(config, { lazyConnect: true, connectTimeout: PROBE_TIMEOUT_MS, commandTimeout: PROBE_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED, …), a cluster node's first: connect() itself only says
  // "Connection is closed."
  let nodeError: unknown;
  let socketError: unknown;
  redis.on('node error', (error: unknown) => (nodeError ??= error));
  redis.on('error', (error: unknown) => (socketError ??= error));
  try {
    await redis.connect();
    await assertRedisServes(redis);
    return { ok: true };
  } catch (error) {
    const e = (nodeError ?? socketError ?? error) as { code?: string; message?: string };
    if (/NOAUTH|WRONGPASS/.test(e.message ?? '')) return { ok: false, problem: `${what} on ${where} refused the login: check the credentials in REDIS_URL` };
    return { ok: false, problem: `${what} is unreachable at ${where} (${e.code ?? e.message ?? 'error'}): start ${start}, or point ${setting} at it` };
  } finally {
    redis.disconnect();
  }
}
