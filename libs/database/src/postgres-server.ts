import pg from 'pg';

const where = (u: URL) => `${u.hostname}:${u.port || 5432}`;
const databaseName = (u: URL) => decodeURIComponent(u.pathname.slice(1)) || 'postgres';

/** One line saying what is wrong with PostgreSQL at `url` and what to do about it. */
export function describePostgresError(error: unknown, url: string): string {
  const e = error as { code?: string; message?: string };
  const u = new URL(url);
  switch (e.code) {
    case '3D000':
      return `PostgreSQL database "${databaseName(u)}" does not exist on ${where(u)}: run \`npm run migration:run\` (it creates the database and applies the migrations)`;
    case '28P01':
    case '28000':
      return `PostgreSQL on ${where(u)} refused the login of user "${decodeURIComponent(u.username)}": check the credentials in DATABASE_URL`;
    default:
      return `PostgreSQL is unreachable at ${where(u)} (${e.code ?? e.message ?? 'error'}): start PostgreSQL, or point DATABASE_URL at it`;
  }
}

/** Whether `error` is about reaching or logging in to the server (not about a statement). */
export const isConnectionError = (error: unknown): boolean => {
  const code = (error as { code?: string }).code;
  return code === undefined || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('28') || code === '3D000';
};

/** PostgreSQL's "database does not exist" (SQLSTATE 3D000). */
export const isMissingDatabase = (error: unknown): boolean => (error as { code?: string }).code === '3D000';

/**
 * Creates the database `url` names, connecting to the server's `postgres` database with the same
 * credentials; false when it already existed (another process created it first).
 */
export async function createDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(databaseName(target))}`);
    return true;
  } catch (error) {
    // 42P04: duplicate_database.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}
