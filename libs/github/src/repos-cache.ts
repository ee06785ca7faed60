import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { REDIS, type RedisClient } from '#libs/redis';
import { cacheKeys } from './cache-keys.js';
import type { InstallationStatus } from './github-integration.entity.js';

/** One repository as the API serves it. */
export interface CachedRepo {
  id: number;
  name: string;
  full_name: string;
  private: boolean;
  default_branch: string | null;
  language: string | null;
  pushed_at: string | null;
  archived: boolean;
  can_push: boolean;
}

/** What the worker last learned about an installation (a Redis hash). */
export interface InstallationMeta {
  status: InstallationStatus;
  version?: string;
  syncedAt?: number;
  total?: number;
  etag?: string;
  /** Last failed refresh: when, as which API error code, and its Retry-After. */
  errAt?: number;
  errCode?: 'github_unavailable' | 'github_rate_limited';
  errRetryS?: number;
  /** No GitHub call for this installation before this time (rate limited). */
  blockedUntil?: number;
}

/** A parsed snapshot: the list in serving order plus the case-folded names search scans. */
export interface Snapshot {
  repos: CachedRepo[];
  folded: string[];
}

/** Snapshots outlive several missed refreshes, then go (the next read refills them). */
const SNAPSHOT_TTL_S = 24 * 3600;
/** Parsed snapshots kept per process: parsing 10,000 repositories per request would dominate. */
const PARSED_MAX = 16;

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

export const foldName = (s: string) => s.toLowerCase();

/** Serving order: `full_name` case-folded ascending. */
export const byFoldedFullName = (a: CachedRepo, b: CachedRepo) => {
  const x = foldName(a.full_name);
  const y = foldName(b.full_name);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * The repository cache of each installation: a meta hash and one JSON snapshot, swapped in
 * atomically (MULTI) with the meta that points at it, the previous version deleted in the same
 * transaction. Shared by all users of the installation; access is checked against the database.
 */
@Injectable()
export class ReposCache {
  private readonly parsed = new Map<string, Snapshot>();

  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async meta(iid: number): Promise<InstallationMeta> {
    const h = await this.redis.hgetall(cacheKeys.meta(iid));
    return {
      status: (h.status as InstallationStatus | undefined) ?? 'active',
      version: h.version || undefined,
      syncedAt: num(h.synced_at),
      total: num(h.total),
      etag: h.etag || undefined,
      errAt: num(h.err_at),
      errCode: (h.err_code as InstallationMeta['errCode']) || undefined,
      errRetryS: num(h.err_retry),
      blockedUntil: num(h.blocked_until),
    };
  }

  /** The snapshot `meta` points at, parsed once per version; null when there is none. */
  async snapshot(iid: number, meta: InstallationMeta): Promise<Snapshot | null> {
    if (!meta.version) return null;
    const key = `${iid}:${meta.version}`;
    const hit = this.parsed.get(key);
    if (hit) return hit;
    const raw = await this.redis.get(cacheKeys.repos(iid, meta.version));
    if (raw === null) return null;
    const repos = JSON.parse(raw) as CachedRepo[];
    const snapshot = { repos, folded: repos.map((r) => foldName(r.full_name)) };
    // Drop older versions of this installation, then the oldest entries beyond the cap.
    for (const k of this.parsed.keys()) if (k.startsWith(`${iid}:`)) this.parsed.delete(k);
    this.parsed.set(key, snapshot);
    while (this.parsed.size > PARSED_MAX) this.parsed.delete(this.parsed.keys().next().value!);
    return snapshot;
  }

  /**
   * Swaps in a complete sweep's list (sorted here) and clears the last error, atomically (one Lua
   * script). A sweep that finishes after the installation was deleted on GitHub is dropped, so it
   * cannot bring a purged cache back. Returns false when it was dropped.
   */
  async replace(iid: number, repos: CachedRepo[], etag: string | undefined): Promise<boolean> {
    repos.sort(byFoldedFullName);
    const version = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const previous = await this.redis.hget(cacheKeys.meta(iid), 'version');
    const keys = [cacheKeys.meta(iid), cacheKeys.repos(iid, version)];
    if (previous && previous !== version) keys.push(cacheKeys.repos(iid, previous));
    const swapped = await this.redis.eval(
      SWAP_SNAPSHOT,
      keys.length,
      ...keys,
      JSON.stringify(repos),
      SNAPSHOT_TTL_S,
      version,
      Date.now(),
      repos.length,
      etag ?? '',
    );
    return swapped === 1;
  }

  /** GitHub answered 304: the snapshot is still right as of now. */
  async touch(iid: number, version: string): Promise<void> {
    await this.redis
      .multi()
      .hset(cacheKeys.meta(iid), 'synced_at', Date.now())
      .hdel(cacheKeys.meta(iid), 'err_at', 'err_code', 'err_retry', 'blocked_until')
      .expire(cacheKeys.repos(iid, version), SNAPSHOT_TTL_S)
      .exec();
  }

  async recordError(iid: number, code: NonNullable<InstallationMeta['errCode']>, retryAfterS?: number): Promise<void> {
    const fields: Record<string, string | number> = { err_at: Date.now(), err_code: code, err_retry: retryAfterS ?? '' };
    if (code === 'github_rate_limited' && retryAfterS) fields.blocked_until = Date.now() + retryAfterS * 1000;
    await this.redis.hset(cacheKeys.meta(iid), fields);
  }

  async setStatus(iid: number, status: InstallationStatus): Promise<void> {
    await this.redis.hset(cacheKeys.meta(iid), 'status', status);
  }

  /**
   * Removes everything cached for an installation (snapshot, branches, token, meta). With
   * `keepStatus`, the meta keeps that status throughout (it is set first and the meta is replaced in
   * one step at the end), so a concurrent sweep's swap sees it and is dropped.
   */
  async purge(iid: number, keepStatus?: InstallationStatus): Promise<void> {
    const meta = cacheKeys.meta(iid);
    const index = cacheKeys.repoKeys(iid);
    if (keepStatus) await this.redis.hset(meta, 'status', keepStatus);
    // The keys it knows (no keyspace scan): the snapshot the meta points at, and the indexed
    // per-repository keys. All share the installation's hash tag, so one transaction deletes them.
    const [version, repoKeys] = await Promise.all([this.redis.hget(meta, 'version'), this.redis.smembers(index)]);
    const tx = this.redis.multi();
    tx.del(meta, index, cacheKeys.token(String(iid)), ...repoKeys, ...(version ? [cacheKeys.repos(iid, version)] : []));
    if (keepStatus) tx.hset(meta, 'status', keepStatus);
    await tx.exec();
    for (const k of this.parsed.keys()) if (k.startsWith(`${iid}:`)) this.parsed.delete(k);
  }
}

/**
 * KEYS: meta, new snapshot, [previous snapshot]. ARGV: json, ttl, version, synced_at, total, etag.
 * Refuses (returns 0) when the installation is marked deleted.
 */
const SWAP_SNAPSHOT = `
if redis.call('HGET', KEYS[1], 'status') == 'deleted' then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'synced_at', ARGV[4], 'total', ARGV[5], 'etag', ARGV[6])
redis.call('HDEL', KEYS[1], 'err_at', 'err_code', 'err_retry', 'blocked_until')
if KEYS[3] then redis.call('DEL', KEYS[3]) end
return 1
`;
