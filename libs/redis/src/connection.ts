import type { Cluster as ClusterClass, Redis as RedisClass, RedisOptions } from 'ioredis';
import { createRequire } from 'node:module';
import type { AppConfig } from '#libs/config';

// ioredis through require(), not import: OpenTelemetry's ioredis instrumentation patches the module
// as require() loads it (docs/operations.md, Traces), so only these classes record Redis spans.
const { Cluster, Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
type Cluster = ClusterClass;
type Redis = RedisClass;

/**
 * The one Redis client type every service takes: a single node or a Redis Cluster. Services use
 * only commands both accept, and every multi-key command, transaction or script touches keys of
 * one hash slot (docs/operations.md, Redis Cluster), so they never know which one it is.
 */
export type RedisClient = Redis | Cluster;

type RedisSettings = Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'QUEUE_PREFIX'>;

/** `host:port` seed nodes of `REDIS_CLUSTER_NODES`, or null when it is unset (a single Redis at `REDIS_URL`). */
export function clusterSeeds(config: Pick<AppConfig, 'REDIS_CLUSTER_NODES'>): { host: string; port: number }[] | null {
  const list = config.REDIS_CLUSTER_NODES?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  if (list.length === 0) return null;
  return list.map((entry) => {
    const at = entry.lastIndexOf(':');
    return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
  });
}

/** Where Redis is, for log lines: the seed nodes or the single node's address. */
export function redisAddress(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>): string {
  const seeds = clusterSeeds(config);
  if (seeds) return seeds.map((s) => `${s.host}:${s.port}`).join(',');
  const u = new URL(config.REDIS_URL);
  return `${u.hostname}:${u.port || 6379}`;
}

/**
 * A new client for the configured Redis: a `Cluster` on `REDIS_CLUSTER_NODES` (the credentials of
 * `REDIS_URL`, if any, go to every node), else a `Redis` on `REDIS_URL`.
 */
export function createRedisClient(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>, options: RedisOptions = {}): RedisClient {
  const seeds = clusterSeeds(config);
  if (!seeds) return new Redis(config.REDIS_URL, options);
  const u = new URL(config.REDIS_URL);
  const credentials = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...nodeOptions } = options;
  return new Cluster(seeds, {
    redisOptions: { ...nodeOptions, ...credentials },
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
    // A node that is briefly unreachable (a failover) is retried, not fatal at once.
    slotsRefreshTimeout: 2000,
  });
}

/**
 * BullMQ's key prefix. On a cluster it is a hash tag, `{<QUEUE_PREFIX>}`, so each queue's keys
 * (which BullMQ's scripts use together) share one slot; a single node keeps the plain prefix, so
 * upgrading a standalone deployment strands no job.
 */
export function queuePrefix(config: RedisSettings): string {
  return clusterSeeds(config) ? `{${config.QUEUE_PREFIX}}` : config.QUEUE_PREFIX;
}

/**
 * Resolves when Redis can serve: a single node answers PING; a cluster reports `cluster_state:ok`
 * (every slot served) on the node asked and every master answers PING.
 */
export async function assertRedisServes(client: RedisClient): Promise<void> {
  if (client instanceof Cluster) {
    const info = String(await client.cluster('INFO'));
    if (!/^cluster_state:ok\s*$/m.test(info)) throw new Error('cluster_state is not ok');
    const masters = client.nodes('master');
    if (masters.length === 0) throw new Error('no master node known');
    await Promise.all(masters.map((node) => node.ping()));
    return;
  }
  await client.ping();
}

/** Every master's client (one for a single node): for the few admin tasks that must touch each. */
export const masterNodes = (client: RedisClient): Redis[] => (client instanceof Cluster ? client.nodes('master') : [client]);
