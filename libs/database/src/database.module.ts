import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { dataSourceOptions } from './data-source-options.js';
import { describePostgresError, isConnectionError } from './postgres-server.js';
import { applyStatementTimeout } from './statement-timeout.js';

/**
 * The PostgreSQL connection. Each domain lib registers its own entities with
 * `TypeOrmModule.forFeature`, so this platform lib names no entity.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        // A locked table or an exhausted pool fails fast with a 503 instead of holding requests
        // (docs/operations.md). The statement timeout (which also bounds lock waits) is the role's
        // setting, made before the pool opens a connection: no startup parameter, which PgBouncer
        // refuses, and no session state, which transaction pooling does not keep.
        try {
          await applyStatementTimeout(config.DATABASE_URL, config.DATABASE_STATEMENT_TIMEOUT_MS);
        } catch (error) {
          throw isConnectionError(error) ? new Error(describePostgresError(error, config.DATABASE_URL), { cause: error }) : error;
        }
        return {
          ...dataSourceOptions(config.DATABASE_URL),
          autoLoadEntities: true,
          // The processes wait for PostgreSQL before they build the app (docs/operations.md,
          // Start-up): a failure here is reported at once, not retried silently.
          retryAttempts: 0,
          extra: {
            max: config.DATABASE_POOL_SIZE,
            connectionTimeoutMillis: config.DATABASE_POOL_TIMEOUT_MS,
          },
        };
      },
    }),
  ],
})
export class DatabaseModule {}
