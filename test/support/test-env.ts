/**
 * Where the tests' own PostgreSQL database and Redis database are. Each checkout (or parallel run)
 * can point elsewhere with TEST_DATABASE_URL / TEST_REDIS_URL; the suite drops and recreates that
 * database's schema, so it must never be a real one. TEST_REDIS_CLUSTER_NODES runs the suite on a
 * Redis Cluster instead (scripts/run-tests.mjs does, for its cluster pass).
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/users_api_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';
export const TEST_REDIS_CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER_NODES || undefined;
