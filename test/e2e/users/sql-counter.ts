import type { DataSource } from 'typeorm';

type QueryFn = (...args: unknown[]) => unknown;
const COUNTED = Symbol.for('users-api.sql-counter');
const LISTENER = Symbol.for('users-api.sql-counter.listener');

/**
 * Counts the SQL statements the app sends, by wrapping `query` on the prototype of the pg clients
 * in TypeORM's pool (so it sees every statement, whichever module instance of pg loaded them).
 */
export async function installSqlCounter(dataSource: DataSource): Promise<{ count: () => number; reset: () => void }> {
  const pool = (dataSource.driver as unknown as { master: { connect: () => Promise<{ release: () => void }> } }).master;
  const client = await pool.connect();
  const proto = Object.getPrototypeOf(client) as { query: QueryFn; [COUNTED]?: boolean; [LISTENER]?: () => void };
  client.release();
  if (!proto[COUNTED]) {
    const original = proto.query;
    proto.query = function countedQuery(this: unknown, ...args: unknown[]) {
      proto[LISTENER]?.();
      return original.apply(this, args);
    };
    proto[COUNTED] = true;
  }
  let statements = 0;
  proto[LISTENER] = () => {
    statements++;
  };
  return { count: () => statements, reset: () => (statements = 0) };
}
