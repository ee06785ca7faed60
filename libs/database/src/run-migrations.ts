import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { migrations } from './migrations/index.js';

/**
 * Each migration with no statement timeout: the role's timeout (set for the service's requests,
 * docs/operations.md) must not cut a long DDL statement short. `SET LOCAL` ends with the
 * migration's own transaction, so a pooled server connection keeps nothing of it.
 */
const unbounded = migrations.map((Migration) => {
  const migration: MigrationInterface = new Migration();
  return class implements MigrationInterface {
    name = migration.name;
    async up(q: QueryRunner): Promise<void> {
      await q.query('SET LOCAL statement_timeout = 0');
      await migration.up(q);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query('SET LOCAL statement_timeout = 0');
      await migration.down(q);
    }
  };
});

/** Applies pending migrations, each in its own transaction; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrations: unbounded });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
