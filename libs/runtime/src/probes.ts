import { Redis } from 'ioredis';
import pg from 'pg';
import { describePostgresError, MIGRATIONS_TABLE } from '#libs/database';

/** What a start-up probe found: nothing wrong, a problem that keeps the process from starting, or a warning. */
export type ProbeResult = { ok: true; warning?: string } | { ok: false; problem: string };

/** Each probe gives up after this long, so the first line comes well within 5 s of start-up. */
const PROBE_TIMEOUT_MS = 3000;

const redisAddress = (url: string) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 6379}`;
};
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

/** Redis at `url`: reachable, and the login (if any) accepted. */
export async function probeRedis(url: string): Promise<ProbeResult> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: PROBE_TIMEOUT_MS, commandTimeout: PROBE_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED, …): connect() itself only says "Connection is closed."
  let socketError: unknown;
  redis.on('error', (error: unknown) => (socketError ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (error) {
    const e = (socketError ?? error) as { code?: string; message?: string };
    if (/NOAUTH|WRONGPASS/.test(e.message ?? '')) return { ok: false, problem: `Redis on ${redisAddress(url)} refused the login: check the credentials in REDIS_URL` };
    return { ok: false, problem: `Redis is unreachable at ${redisAddress(url)} (${e.code ?? e.message ?? 'error'}): start Redis, or point REDIS_URL at it` };
  } finally {
    redis.disconnect();
  }
}
