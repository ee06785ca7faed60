/** PostgreSQL connection and the ordered list of schema migrations. */
export { DatabaseModule } from './database.module.js';
export { dataSourceOptions, MIGRATIONS_TABLE } from './data-source-options.js';
export { runMigrations } from './run-migrations.js';
export { hydrate } from './hydrate.js';
export { migrations } from './migrations/index.js';
export { describePostgresError } from './postgres-server.js';
