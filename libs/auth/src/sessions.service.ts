import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { REDIS } from '#libs/redis';

/** A browser session, stored in Redis under a random id (the `sessionid` cookie). */
export interface Session {
  id: string;
  userId: number;
  /** Epoch milliseconds. */
  createdAt: number;
  reauthAt: number | null;
}

const sessionKey = (id: string) => `session:${id}`;
const userSessionsKey = (userId: number) => `user-sessions:${userId}`;

@Injectable()
export class SessionsService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new session; every way a session is made is a successful authentication, so it counts as a re-auth. */
  async create(userId: number): Promise<Session> {
    const now = Date.now();
    const session: Session = { id: randomBytes(32).toString('base64url'), userId, createdAt: now, reauthAt: now };
    await this.write(session);
    return session;
  }

  /** The session, its TTL slid forward; null when unknown or expired. */
  async get(id: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
    const raw = await this.redis.getex(sessionKey(id), 'EX', this.config.SESSION_TTL_S);
    return raw ? (JSON.parse(raw) as Session) : null;
  }

  async markReauthenticated(session: Session): Promise<Session> {
    const updated = { ...session, reauthAt: Date.now() };
    await this.write(updated);
    return updated;
  }

  async delete(session: Session): Promise<void> {
    await this.redis.multi().del(sessionKey(session.id)).srem(userSessionsKey(session.userId), session.id).exec();
  }

  /** Ends every session of the user except `keepId` (after a password change). */
  async revokeOthers(userId: number, keepId: string | null): Promise<void> {
    const ids = (await this.redis.smembers(userSessionsKey(userId))).filter((id) => id !== keepId);
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .del(...ids.map(sessionKey))
      .srem(userSessionsKey(userId), ...ids)
      .exec();
  }

  /** Ends every session of the user (account deleted). */
  async revokeAll(userId: number): Promise<void> {
    await this.revokeOthers(userId, null);
    await this.redis.del(userSessionsKey(userId));
  }

  private async write(session: Session): Promise<void> {
    const ttl = this.config.SESSION_TTL_S;
    await this.redis
      .multi()
      .set(sessionKey(session.id), JSON.stringify(session), 'EX', ttl)
      .sadd(userSessionsKey(session.userId), session.id)
      .expire(userSessionsKey(session.userId), ttl)
      .exec();
  }
}
