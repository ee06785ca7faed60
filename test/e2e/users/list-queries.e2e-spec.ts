import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OrganizationsService, MembershipLevel } from '#libs/organizations';
import { createApiKey, createUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { installSqlCounter } from './sql-counter.js';

/** No N+1: a page of users costs the same number of SQL statements whatever its size. */
describe('GET /api/users/ SQL statements per page', () => {
  let t: TestApp;
  let counter: Awaited<ReturnType<typeof installSqlCounter>>;
  beforeAll(async () => {
    t = await createTestApp();
    counter = await installSqlCounter(t.dataSource);
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  /** `n` users, each in their own organization plus a shared one, each with an API key. */
  async function seed(n: number): Promise<string> {
    const organizations = t.app.get(OrganizationsService);
    const staff = await createUser(t.app, { isStaff: true, password: null });
    const shared = await organizations.create('Shared', staff.id);
    for (let i = 0; i < n - 1; i++) {
      const user = await createUser(t.app, { password: null });
      await organizations.create(`Org ${i}`, user.id);
      await organizations.addMember(shared.organization.id, user.id, MembershipLevel.Member);
      await createApiKey(t.app, user, ['user:read']);
    }
    return createApiKey(t.app, staff, ['user:read']);
  }

  async function statementsFor(key: string): Promise<{ statements: number; count: number }> {
    // The first request stamps the key's last use.
    await t.http().get('/api/users/?limit=100').set('Authorization', `Bearer ${key}`).expect(200);
    counter.reset();
    const res = await t.http().get('/api/users/?limit=100').set('Authorization', `Bearer ${key}`).expect(200);
    const statements = counter.count();
    expect(res.body.results.every((u: { organization: unknown }) => u.organization !== null)).toBe(true);
    return { statements, count: res.body.count };
  }

  it('is the same for 5 and for 50 users', async () => {
    const small = await statementsFor(await seed(5));
    expect(small.count).toBe(5);
    await t.reset();
    const large = await statementsFor(await seed(50));
    expect(large.count).toBe(50);
    expect(large.statements).toBe(small.statements);
    // Authentication (key with its user), the page, its count, and one batch per related table
    // (memberships, key counts, passkey counts, TOTP devices).
    expect(small.statements).toBe(7);
  });

  it('shows unset current organizations of a whole page without writing on the GET', async () => {
    const key = await seed(20);
    const { statements } = await statementsFor(key);
    await t.dataSource.query('UPDATE users SET current_organization_id = NULL, current_team_id = NULL');
    counter.reset();
    const res = await t.http().get('/api/users/?limit=100').set('Authorization', `Bearer ${key}`).expect(200);
    expect(res.body.results.every((u: { team: unknown; organization: unknown }) => u.team !== null && u.organization !== null)).toBe(true);
    expect(counter.count()).toBe(statements);
    const [{ unset }] = await t.dataSource.query('SELECT count(*)::int AS unset FROM users WHERE current_organization_id IS NULL');
    expect(unset).toBeGreaterThanOrEqual(20);
  });
});
