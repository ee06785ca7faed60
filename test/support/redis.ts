// The tests' view of Redis, for a single node or a Redis Cluster alike (TEST_REDIS_CLUSTER_NODES).
// The service itself never lists or flushes the keyspace; tests do, to prove what it left behind.
import { createRedisClient, masterNodes, queuePrefix, type RedisClient } from '#libs/redis';
import { TEST_REDIS_CLUSTER_NODES, TEST_REDIS_URL } from './test-env.js';

/** A new client on the tests' Redis, as the service would build it. */
export const testRedis = (): RedisClient => createRedisClient({ REDIS_URL: TEST_REDIS_URL, REDIS_CLUSTER_NODES: TEST_REDIS_CLUSTER_NODES });

/** Keys matching `pattern` on every master, sorted. */
export async function keysMatching(redis: RedisClient, pattern: string): Promise<string[]> {
  const perNode = await Promise.all(masterNodes(redis).map((node) => node.keys(pattern)));
  return perNode.flat().sort();
}

/** Empties the tests' Redis database (every master of a cluster). */
export async function flushRedis(redis: RedisClient): Promise<void> {
  await Promise.all(masterNodes(redis).map((node) => node.flushdb()));
}

/**
 * BullMQ options for a test's own queue or queue events on the tests' Redis, with the prefix the
 * service would use for `prefix`. The connection is the caller's to close (`disconnect()`).
 */
export function testQueueOptions(prefix: string): { connection: RedisClient; prefix: string } {
  const settings = { REDIS_URL: TEST_REDIS_URL, REDIS_CLUSTER_NODES: TEST_REDIS_CLUSTER_NODES, QUEUE_PREFIX: prefix };
  return { connection: createRedisClient(settings, { maxRetriesPerRequest: null, lazyConnect: true }), prefix: queuePrefix(settings) };
}
