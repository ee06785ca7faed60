import type { DataSource } from 'typeorm';

/**
 * Counts the SQL statements the app sends, by wrapping `query` on the prototype of the pg clients
 * in TypeORM's pool (so it sees every statement, whichever module instance of pg loaded them).
 */
export async function installSqlCounter(dataSource: DataSource): Promise<{ count: () => number; reset: () => void }> {
  const pool = (dataSource.driver as unknown as { master: { connect: () => Promise<{ release: () => void }> } }).master;
  const client = await pool.connect();
  const proto = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown; __counted?: boolean };
  client.release();
  let statements = 0;
  if (!proto.__counted) {
    const original = proto.query;
    proto.query = function countedQuery(this: unknown, ...args: unknown[]) {
      (proto as unknown as { __onQuery?: () => void }).__onQuery?.();
      return original.apply(this, args);
    };
    proto.__counted = true;
  }
  (proto as unknown as { __onQuery?: () => void }).__onQuery = () => {
    statements++;
  };
  return { count: () => statements, reset: () => (statements = 0) };
}
