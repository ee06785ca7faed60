import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrations, runMigrations } from '#libs/database';
import { TEST_DATABASE_URL } from '../../support/test-env.js';

/** The schema comes only from migrations; each one must also undo cleanly. */
describe('migrations', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    await runMigrations(TEST_DATABASE_URL);
    dataSource = await new DataSource(dataSourceOptions(TEST_DATABASE_URL)).initialize();
  });
  afterAll(async () => {
    // Whatever happened above, leave the schema whole for the other test files.
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
  });

  const tables = async () =>
    ((await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)) as { tablename: string }[]).map((r) => r.tablename);

  it('undo down to an empty schema and apply again to the same tables', async () => {
    const before = await tables();
    for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual(['typeorm_migrations']);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
    expect(await tables()).toEqual(before);
  });

  it('index the active users by id, so the user list counts them from the index', async () => {
    const [index] = (await dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'users_active_id_idx'`)) as { indexdef: string }[];
    expect(index?.indexdef).toBe('CREATE INDEX users_active_id_idx ON public.users USING btree (id) WHERE is_active');
  });
});
