import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type RedisClient } from '#libs/redis';
import { cacheKeys } from './cache-keys.js';

/** Margin before `expires_at` after which a cached installation token is no longer handed out. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/**
 * The `cache` of @octokit/auth-app, in Redis: one installation token per installation shared by
 * every API and worker process, which also keeps GitHub's per-token ETags useful. auth-app stores
 * `token|createdAt|expiresAt|...` under the installation id.
 */
@Injectable()
export class InstallationTokenCache {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async get(key: string): Promise<string> {
    return (await this.redis.get(cacheKeys.token(key))) ?? '';
  }

  async set(key: string, value: string): Promise<void> {
    const expiresAt = Date.parse(value.split('|')[2] ?? '');
    const ttlMs = Number.isFinite(expiresAt) ? expiresAt - Date.now() - EXPIRY_MARGIN_MS : 50 * 60_000;
    if (ttlMs > 0) await this.redis.set(cacheKeys.token(key), value, 'PX', ttlMs);
  }

  async drop(installationId: number | string): Promise<void> {
    await this.redis.del(cacheKeys.token(String(installationId)));
  }
}
