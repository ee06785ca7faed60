// Every benchmark runs on a database of its own, recreated and migrated (from dist/) each run, so
// nothing left by a test run or an earlier benchmark can skew it.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

/** @param {string} databaseUrl */
export async function recreateDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const migrate = spawnSync(process.execPath, ['dist/libs/database/src/migrate.js'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'inherit',
  });
  if (migrate.status !== 0) throw new Error('migrations failed (did you run `npm run build`?)');
}
