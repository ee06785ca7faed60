import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertRedisServes, REDIS, type RedisClient } from '#libs/redis';

const CHECK_TIMEOUT_MS = 2000;

export type DependencyState = 'up' | 'down';

/** What readiness found: each dependency up or down (2 s each), and whether all are up. */
export interface ReadinessReport {
  ready: boolean;
  postgres: DependencyState;
  redis: DependencyState;
}

/**
 * The one readiness check of both processes (the api's `/api/ready`, the worker's `/ready`): the
 * process's own PostgreSQL pool and Redis connection answer within 2 s each (on a Redis Cluster:
 * every slot served and every master answering).
 */
@Injectable()
export class ReadinessProbe {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  async check(): Promise<ReadinessReport> {
    const [postgres, redis] = await Promise.all([answers(this.dataSource.query('SELECT 1')), answers(assertRedisServes(this.redis))]);
    return { ready: postgres && redis, postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' };
  }
}

async function answers(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
