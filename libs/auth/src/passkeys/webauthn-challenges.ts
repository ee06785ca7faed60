import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type RedisClient } from '#libs/redis';

/** How long a ceremony may take; the challenge dies with it (docs/api.md "Passkeys"). */
export const WEBAUTHN_TIMEOUT_MS = 300_000;

export type CeremonyKind = 'register' | 'verify' | 'login' | 'second_factor';

/**
 * Pending WebAuthn challenges, in Redis so every api process sees them, keyed by the browser they
 * were issued to (a session id, or the pre-login cookie). `take` deletes as it reads: a challenge
 * answers one ceremony only, so a replayed response finds nothing.
 */
@Injectable()
export class WebauthnChallenges {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async put<T extends object>(kind: CeremonyKind, owner: string, value: T): Promise<void> {
    await this.redis.set(key(kind, owner), JSON.stringify(value), 'PX', WEBAUTHN_TIMEOUT_MS);
  }

  async take<T extends object>(kind: CeremonyKind, owner: string): Promise<T | null> {
    const raw = await this.redis.getdel(key(kind, owner));
    return raw ? (JSON.parse(raw) as T) : null;
  }
}

const key = (kind: CeremonyKind, owner: string) => `webauthn:${kind}:{${owner}}`;
