// Entry point of `npm run migration:run`: creates the database when it is missing, then applies
// the pending migrations (docs/operations.md, Start-up).
import { loadConfigOrExit } from '#libs/config';
import { createDatabase, describePostgresError, isConnectionError, isMissingDatabase } from './postgres-server.js';
import { runMigrations } from './run-migrations.js';

const url = loadConfigOrExit().DATABASE_URL;
const name = decodeURIComponent(new URL(url).pathname.slice(1));

async function migrate(): Promise<string[]> {
  try {
    return await runMigrations(url);
  } catch (error) {
    if (!isMissingDatabase(error)) throw error;
    if (await createDatabase(url)) console.log(`created database "${name}"`);
    return runMigrations(url);
  }
}

try {
  const applied = await migrate();
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: none pending');
} catch (error) {
  console.error(isConnectionError(error) ? describePostgresError(error, url) : error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
