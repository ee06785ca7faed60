import type { INestApplication, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { configureApp, createHttpAdapter } from '../../apps/api/src/configure-app.js';
import { APP_CONFIG, loadConfig, type AppConfig } from '#libs/config';
import { MIGRATIONS_TABLE, runMigrations } from '#libs/database';
import { REDIS, type RedisClient } from '#libs/redis';
import { flushRedis } from './redis.js';

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  dataSource: DataSource;
  redis: RedisClient;
  config: AppConfig;
  /** Empties every table and the Redis database. */
  reset: () => Promise<void>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  config?: Partial<AppConfig>;
  /** Extra overrides on the testing module (providers, modules). */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Extra controllers mounted beside the API's (e.g. to probe the global guard). */
  controllers?: Type[];
}

/** The whole API on real PostgreSQL and Redis, as `main.ts` configures it, without a port. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = { ...loadConfig(), ...options.config };
  await runMigrations(config.DATABASE_URL);
  let builder = Test.createTestingModule({ imports: [ApiModule], controllers: options.controllers ?? [] }).overrideProvider(APP_CONFIG).useValue(config);
  if (options.customize) builder = options.customize(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { bodyParser: false });
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  const redis = app.get<RedisClient>(REDIS);
  const reset = async () => {
    await truncateAll(dataSource);
    await flushRedis(redis);
  };
  await reset();
  return {
    app,
    http: () => request(app.getHttpServer()),
    dataSource,
    redis,
    config,
    reset,
    close: async () => {
      await reset();
      await app.close();
    },
  };
}

export async function truncateAll(dataSource: DataSource): Promise<void> {
  const rows: { tablename: string }[] = await dataSource.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> $1`,
    [MIGRATIONS_TABLE],
  );
  if (rows.length === 0) return;
  await dataSource.query(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}
