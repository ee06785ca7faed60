import { describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { clusterSeeds, createRedisClient, queuePrefix, redisAddress } from './connection.js';

const single = { REDIS_URL: 'redis://:secret@127.0.0.1:6390/2', REDIS_CLUSTER_NODES: undefined, QUEUE_PREFIX: 'bull' };
const cluster = { ...single, REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' };

describe('the Redis connection (one place for both modes)', () => {
  it('reads the seed nodes, or none', () => {
    expect(clusterSeeds(single)).toBeNull();
    expect(clusterSeeds(cluster)).toEqual([{ host: '10.0.0.1', port: 7000 }, { host: 'redis-b', port: 7001 }]);
  });

  it('builds a Redis for a single node and a Cluster for seed nodes, lending REDIS_URL\'s credentials to every node', () => {
    const a = createRedisClient(single, { lazyConnect: true });
    const b = createRedisClient(cluster, { lazyConnect: true });
    try {
      expect(a).toBeInstanceOf(Redis);
      expect(b).toBeInstanceOf(Cluster);
      expect((b as Cluster).options.redisOptions).toMatchObject({ password: 'secret' });
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('hash-tags BullMQ\'s prefix on a cluster only', () => {
    expect(queuePrefix(single)).toBe('bull');
    expect(queuePrefix(cluster)).toBe('{bull}');
  });

  it('names where Redis is for log lines', () => {
    expect(redisAddress(single)).toBe('127.0.0.1:6390');
    expect(redisAddress(cluster)).toBe('10.0.0.1:7000,redis-b:7001');
  });
});
