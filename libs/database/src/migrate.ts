// Entry point of `npm run migration:run`.
import { loadConfigOrExit } from '#libs/config';
import { runMigrations } from './run-migrations.js';

try {
  const applied = await runMigrations(loadConfigOrExit().DATABASE_URL);
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: none pending');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
