import pg from 'pg';
// Loaded by Jest as CommonJS, where the suite's `.js`-to-`.ts` mapping does not apply: keep imports
// to packages. Migrations are applied by createTestApp (idempotently) in each test file.
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_test';

/** Creates the test database if needed and empties its schema; tests rebuild it from migrations. */
export default async function globalSetup(): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = '/postgres';
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  try {
    const exists = await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await adminClient.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await adminClient.end();
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
}
