import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { throttled } from '#libs/core';
import { REDIS, type RedisClient } from '#libs/redis';

const MINUTE = 60;
const DAY = 24 * 3600;

/**
 * Budgets (points per `durationS`; docs/api.md, Throttles); counters live in Redis so they hold
 * across replicas. Keys built from client input are hashed by the caller.
 */
const BUDGETS = {
  loginPerEmail: { points: 10, durationS: MINUTE },
  loginPerIp: { points: 30, durationS: MINUTE },
  passwordPerUser: { points: 5, durationS: MINUTE },
  passwordResetPerEmail: { points: 6, durationS: DAY },
  emailVerificationRequest: { points: 6, durationS: DAY },
  verifyEmailPerUuid: { points: 6, durationS: 20 * MINUTE },
  verifyEmailPerIp: { points: 30, durationS: 60 * MINUTE },
  /** `POST /api/login/token`: per pending login's user, else per client address. */
  secondFactor: { points: 6, durationS: 20 * MINUTE },
} as const;
export type ThrottleBucket = keyof typeof BUDGETS;

@Injectable()
export class ThrottlesService {
  private readonly limiters: Record<ThrottleBucket, RateLimiterRedis>;

  constructor(@Inject(REDIS) redis: RedisClient) {
    const limiter = (bucket: ThrottleBucket) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `throttle:${bucket}`, points: BUDGETS[bucket].points, duration: BUDGETS[bucket].durationS });
    this.limiters = Object.fromEntries(
      (Object.keys(BUDGETS) as ThrottleBucket[]).map((bucket) => [bucket, limiter(bucket)]),
    ) as Record<ThrottleBucket, RateLimiterRedis>;
  }

  /**
   * Counts one attempt; throws a `throttled` error (with the seconds to wait) past the budget. The
   * key (an email, an address) is stored as its sha256, so client input never sizes a Redis key and
   * no email sits in Redis in clear (docs/api.md, hostile input).
   */
  async consume(bucket: ThrottleBucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(createHash('sha256').update(key).digest('hex'));
    } catch (error) {
      if (error instanceof RateLimiterRes) throw throttled(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      throw error;
    }
  }
}
