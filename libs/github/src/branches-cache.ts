import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type RedisClient } from '#libs/redis';
import { cacheKeys } from './cache-keys.js';

/** A repository's cached branches, or the fact that the installation cannot see it. */
export type BranchesEntry =
  | { missing: false; branches: string[]; default_branch: string | null; synced_at: number }
  | { missing: true; synced_at: number };

/**
 * Entries are evicted after 24 h; stale ones are served while a refresh runs. The installation's
 * index of these keys (for purging) lives as long as the newest entry.
 */
const ENTRY_TTL_S = 24 * 3600;

@Injectable()
export class BranchesCache {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async get(iid: number, repo: string): Promise<BranchesEntry | null> {
    const raw = await this.redis.get(cacheKeys.branches(iid, repo));
    return raw === null ? null : (JSON.parse(raw) as BranchesEntry);
  }

  async put(iid: number, repo: string, entry: BranchesEntry): Promise<void> {
    const key = cacheKeys.branches(iid, repo);
    await this.redis
      .multi()
      .set(key, JSON.stringify(entry), 'EX', ENTRY_TTL_S)
      .hdel(cacheKeys.meta(iid), `brerr:${repo.toLowerCase()}`)
      .sadd(cacheKeys.repoKeys(iid), key)
      .expire(cacheKeys.repoKeys(iid), ENTRY_TTL_S)
      .exec();
  }

  async recordError(iid: number, repo: string): Promise<void> {
    await this.redis.hset(cacheKeys.meta(iid), `brerr:${repo.toLowerCase()}`, Date.now());
  }

  async lastError(iid: number, repo: string): Promise<number | undefined> {
    const v = await this.redis.hget(cacheKeys.meta(iid), `brerr:${repo.toLowerCase()}`);
    return v ? Number(v) : undefined;
  }

  async defaultBranch(iid: number, repo: string): Promise<string | null> {
    return this.redis.get(cacheKeys.defaultBranch(iid, repo));
  }

  async setDefaultBranch(iid: number, repo: string, branch: string, ttlS: number): Promise<void> {
    const key = cacheKeys.defaultBranch(iid, repo);
    await this.redis
      .multi()
      .set(key, branch, 'EX', ttlS)
      .sadd(cacheKeys.repoKeys(iid), key)
      .expire(cacheKeys.repoKeys(iid), Math.max(ttlS, ENTRY_TTL_S))
      .exec();
  }

  async drop(iid: number, repo: string): Promise<void> {
    await this.redis.del(cacheKeys.branches(iid, repo));
  }
}
