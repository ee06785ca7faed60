import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { dataSourceOptions } from './data-source-options.js';

/**
 * The PostgreSQL connection. Each domain lib registers its own entities with
 * `TypeOrmModule.forFeature`, so this platform lib names no entity.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.DATABASE_URL),
        autoLoadEntities: true,
        // A locked table or an exhausted pool fails fast with a 503 instead of holding requests (docs/operations.md);
        // statement_timeout also bounds lock waits.
        extra: {
          max: config.DATABASE_POOL_SIZE,
          connectionTimeoutMillis: config.DATABASE_POOL_TIMEOUT_MS,
          statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
        },
      }),
    }),
  ],
})
export class DatabaseModule {}
