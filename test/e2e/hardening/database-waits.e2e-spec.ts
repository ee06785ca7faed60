import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { TEST_DATABASE_URL } from '../../support/test-env.js';

const STATEMENT_TIMEOUT_MS = 800;
const UNAVAILABLE = { type: 'server_error', code: 'service_unavailable', detail: 'The service is temporarily unavailable; retry shortly.', attr: null };

/**
 * The service's statement timeout is its database role's setting, which PostgreSQL applies to each
 * connection it opens. This suite uses a role of its own, so that a pooler in front (the PgBouncer
 * pass of scripts/run-tests.mjs) opens fresh server connections for it instead of handing over ones
 * opened earlier under the main test role's setting.
 */
const ROLE = 'users_api_waits';

async function asOwnRole(): Promise<string> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [ROLE]);
    if (exists.rowCount === 0) await admin.query(`CREATE ROLE ${ROLE} LOGIN SUPERUSER`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.username = ROLE;
  url.password = '';
  return url.toString();
}

describe('bounded database waits (docs/operations.md)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { DATABASE_URL: await asOwnRole(), DATABASE_STATEMENT_TIMEOUT_MS: STATEMENT_TIMEOUT_MS, DATABASE_POOL_TIMEOUT_MS: 1000 } });
  });
  afterAll(() => t.close());

  it('sets the statement timeout on its role for this database, so every new connection has it, pooled or not', async () => {
    const fresh = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await fresh.connect();
    try {
      expect((await fresh.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe(`${STATEMENT_TIMEOUT_MS}ms`);
    } finally {
      await fresh.end();
    }
    const [setting] = await t.dataSource.query(
      `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase JOIN pg_roles r ON r.oid = s.setrole
        WHERE r.rolname = $1 AND d.datname = current_database()`,
      [ROLE],
    );
    expect(setting.setconfig).toContain(`statement_timeout=${STATEMENT_TIMEOUT_MS}`);
    // The pool's own connections have it too (a request's statement runs on one of them).
    expect((await t.dataSource.query('SHOW statement_timeout'))[0].statement_timeout).toBe(`${STATEMENT_TIMEOUT_MS}ms`);
  });

  it('answers 503 with Retry-After within the bound while users is locked, and recovers after release', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['user:read']);
    const side = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await side.connect();
    try {
      await side.query('BEGIN');
      await side.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await t.http().get('/api/users/').set('Authorization', `Bearer ${key}`);
      const elapsed = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body).toEqual(UNAVAILABLE);
      expect(res.headers['retry-after']).toBe('1');
      expect(elapsed).toBeLessThan(STATEMENT_TIMEOUT_MS * 4);
    } finally {
      await side.query('ROLLBACK');
      await side.end();
    }
    await t.http().get('/api/users/').set('Authorization', `Bearer ${key}`).expect(200);
  });
});
