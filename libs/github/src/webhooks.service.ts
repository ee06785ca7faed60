import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { REDIS, type RedisClient } from '#libs/redis';
import { cacheKeys } from './cache-keys.js';
import { GithubJobs } from './github-jobs.js';

/** A delivery id is remembered this long; GitHub redelivers within days at most by hand. */
const DELIVERY_TTL_S = 3 * 24 * 3600;

/**
 * Incoming GitHub webhooks: the signature is checked over the raw bytes, a delivery is
 * accepted once, and the work is left to the worker so GitHub gets its answer fast.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly jobs: GithubJobs,
  ) {}

  /** `X-Hub-Signature-256` is `sha256=<hex HMAC-SHA256(secret, raw body)>`, compared in constant time. */
  verify(rawBody: Buffer | undefined, signature: string | undefined): boolean {
    const secret = this.config.GITHUB_WEBHOOK_SECRET;
    if (!secret || !rawBody || typeof signature !== 'string' || !signature.startsWith('sha256=')) return false;
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Enqueues the event unless this delivery was already accepted. */
  async accept(deliveryId: string | undefined, event: string, payload: unknown, rawBody: Buffer): Promise<'accepted' | 'duplicate'> {
    const id = deliveryId || `body-${createHash('sha256').update(rawBody).digest('hex')}`;
    const first = await this.redis.set(cacheKeys.delivery(id), '1', 'EX', DELIVERY_TTL_S, 'NX');
    if (first !== 'OK') return 'duplicate';
    const body = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
    await this.jobs.handleWebhook({ event, deliveryId: id, payload: body });
    return 'accepted';
  }
}
