import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ReposCache, type CachedRepo } from '#libs/github';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { keysMatching } from '../../support/redis.js';

const repo = (name: string): CachedRepo => ({
  id: name.length,
  name,
  full_name: `acme/${name}`,
  private: false,
  default_branch: 'main',
  language: null,
  pushed_at: null,
  archived: false,
  can_push: true,
});

/** The snapshot swap and the purge against each other (a sweep racing an uninstall). */
describe('repos snapshot swap', () => {
  let t: TestApp;
  let cache: ReposCache;
  beforeAll(async () => {
    t = await createTestApp();
    cache = t.app.get(ReposCache);
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('swaps in a sweep and keeps exactly one snapshot version', async () => {
    expect(await cache.replace(7001, [repo('b'), repo('a')], '"e1"')).toBe(true);
    expect(await cache.replace(7001, [repo('c')], '"e2"')).toBe(true);
    expect(await keysMatching(t.redis, 'gh:inst:{7001}:repos:*')).toHaveLength(1);
    expect(await t.redis.hget('gh:inst:{7001}:meta', 'total')).toBe('1');
  });

  it('drops a sweep that finishes after the installation was deleted, so the purge stays complete', async () => {
    await cache.replace(7002, [repo('a')], '"e1"');
    await cache.purge(7002, 'deleted');
    expect(await keysMatching(t.redis, 'gh:inst:{7002}:*')).toEqual(['gh:inst:{7002}:meta']);
    expect(await cache.replace(7002, [repo('a'), repo('b')], '"e2"')).toBe(false);
    expect(await keysMatching(t.redis, 'gh:inst:{7002}:repos:*')).toEqual([]);
    expect(await t.redis.hgetall('gh:inst:{7002}:meta')).toEqual({ status: 'deleted' });
  });
});
