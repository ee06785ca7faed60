import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { REDIS, type RedisClient } from '#libs/redis';

/** A password login waiting for its second factor (docs/api.md, Two-factor authentication). */
export interface PendingLogin {
  id: string;
  userId: number;
  /** Epoch milliseconds of the password step. */
  at: number;
}

const key = (id: string) => `2fa-pending:${id}`;

/**
 * Pre-auth sessions: the `sessionid` cookie of a password step that needs a second factor names one
 * of these, never a session, so it authenticates nothing. They live `TWO_FACTOR_LOGIN_TIMEOUT_S`.
 */
@Injectable()
export class PendingLogins {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  async start(userId: number): Promise<PendingLogin> {
    const pending = { id: randomBytes(32).toString('base64url'), userId, at: Date.now() };
    await this.redis.set(key(pending.id), JSON.stringify(pending), 'EX', this.config.TWO_FACTOR_LOGIN_TIMEOUT_S);
    return pending;
  }

  async get(id: string | undefined): Promise<PendingLogin | null> {
    if (!id || id.length > 100) return null;
    const raw = await this.redis.get(key(id));
    if (!raw) return null;
    const pending = JSON.parse(raw) as PendingLogin;
    return Date.now() - pending.at > this.config.TWO_FACTOR_LOGIN_TIMEOUT_S * 1000 ? null : pending;
  }

  async end(id: string): Promise<void> {
    await this.redis.del(key(id));
  }
}
