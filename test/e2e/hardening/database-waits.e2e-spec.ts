import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const STATEMENT_TIMEOUT_MS = 800;
const UNAVAILABLE = { type: 'server_error', code: 'service_unavailable', detail: 'The service is temporarily unavailable; retry shortly.', attr: null };

describe('bounded database waits (docs/operations.md)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { DATABASE_STATEMENT_TIMEOUT_MS: STATEMENT_TIMEOUT_MS, DATABASE_POOL_TIMEOUT_MS: 1000 } });
  });
  afterAll(() => t.close());

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
