import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { REDIS, type RedisClient } from '#libs/redis';

/** A browser session, stored in Redis under a random id (the `sessionid` cookie). */
export interface Session {
  id: string;
  userId: number;
  /** Epoch milliseconds. */
  createdAt: number;
  reauthAt: number | null;
  /**
   * The CSRF token of this session: the `X-CSRFToken` header of every session write must equal it,
   * so a `csrftoken` cookie planted by a sibling subdomain is worthless. New at every login and
   * re-authentication.
   */
  csrfToken: string;
}

const newToken = () => randomBytes(32).toString('base64url');

// A session is read by its id alone, and a user's index lists its ids: no command spans the two.
const sessionKey = (id: string) => `session:${id}`;
const userSessionsKey = (userId: number) => `user-sessions:${userId}`;

@Injectable()
export class SessionsService {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new session; every way a session is made is a successful authentication, so it counts as a re-auth. */
  async create(userId: number): Promise<Session> {
    const now = Date.now();
    const session: Session = { id: newToken(), userId, createdAt: now, reauthAt: now, csrfToken: newToken() };
    await this.write(session);
    return session;
  }

  /**
   * The session, its TTL slid forward but never past `SESSION_MAX_AGE_S` after the login; null when
   * unknown or expired. Only in a session's last `SESSION_TTL_S` does this take a second command.
   */
  async get(id: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
    const raw = await this.redis.getex(sessionKey(id), 'EX', this.config.SESSION_TTL_S);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    const now = Date.now();
    const endsAt = this.endsAt(session);
    if (endsAt <= now) {
      await this.delete(session);
      return null;
    }
    if (endsAt < now + this.config.SESSION_TTL_S * 1000) await this.redis.pexpireat(sessionKey(id), endsAt);
    if (!session.csrfToken) {
      // Stored before sessions carried their CSRF token: give it one (sent by GET /api/csrf/).
      session.csrfToken = newToken();
      await this.write(session);
    }
    return session;
  }

  /** When the session ends at the latest, in epoch milliseconds: a re-auth does not move it. */
  endsAt(session: Session): number {
    return session.createdAt + this.config.SESSION_MAX_AGE_S * 1000;
  }

  /** Seconds the session may still live (for the cookies' Max-Age). */
  remainingS(session: Session): number {
    const left = Math.floor((this.endsAt(session) - Date.now()) / 1000);
    return Math.max(0, Math.min(this.config.SESSION_TTL_S, left));
  }

  /** Records a re-authentication and rotates the CSRF token. */
  async markReauthenticated(session: Session): Promise<Session> {
    const updated = { ...session, reauthAt: Date.now(), csrfToken: newToken() };
    await this.write(updated);
    return updated;
  }

  async delete(session: Session): Promise<void> {
    await this.redis.del(sessionKey(session.id));
    await this.redis.srem(userSessionsKey(session.userId), session.id);
  }

  /** Ends every session of the user except `keepId` (after a password change). */
  async revokeOthers(userId: number, keepId: string | null): Promise<void> {
    const ids = (await this.redis.smembers(userSessionsKey(userId))).filter((id) => id !== keepId);
    if (ids.length === 0) return;
    // One command per session: on a Redis Cluster the sessions live in different slots.
    await Promise.all(ids.map((id) => this.redis.del(sessionKey(id))));
    await this.redis.srem(userSessionsKey(userId), ...ids);
  }

  /** Ends every session of the user (account deleted). */
  async revokeAll(userId: number): Promise<void> {
    await this.revokeOthers(userId, null);
    await this.redis.del(userSessionsKey(userId));
  }

  private async write(session: Session): Promise<void> {
    const ttl = Math.max(1, this.remainingS(session));
    // The index of the user's sessions must outlive each of them (it is not slid on reads): the
    // newest session is written last and ends last. The session and the index are in different
    // slots of a Redis Cluster, so no transaction spans them: the index is written first, so every
    // live session is in it (revocation finds it); an id left behind by a crash is harmless.
    await this.redis.multi().sadd(userSessionsKey(session.userId), session.id).expire(userSessionsKey(session.userId), this.config.SESSION_MAX_AGE_S).exec();
    await this.redis.set(sessionKey(session.id), JSON.stringify(session), 'EX', ttl);
  }
}
