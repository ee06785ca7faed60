import type { DataSourceOptions } from 'typeorm';
import { migrations } from './migrations/index.js';

export const MIGRATIONS_TABLE = 'typeorm_migrations';

/** Connection options shared by the app, the migration runner and the tests. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
  };
}
