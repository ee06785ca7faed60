import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { throttled } from '#libs/core';
import { REDIS } from '#libs/redis';

/** Per-minute budgets (SPEC §1.1, §1.5); counters live in Redis so they hold across replicas. */
const BUDGETS = {
  loginPerEmail: 10,
  loginPerIp: 30,
  passwordPerUser: 5,
} as const;
export type ThrottleBucket = keyof typeof BUDGETS;

@Injectable()
export class ThrottlesService {
  private readonly limiters: Record<ThrottleBucket, RateLimiterRedis>;

  constructor(@Inject(REDIS) redis: Redis) {
    const limiter = (bucket: ThrottleBucket) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `throttle:${bucket}`, points: BUDGETS[bucket], duration: 60 });
    this.limiters = {
      loginPerEmail: limiter('loginPerEmail'),
      loginPerIp: limiter('loginPerIp'),
      passwordPerUser: limiter('passwordPerUser'),
    };
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
