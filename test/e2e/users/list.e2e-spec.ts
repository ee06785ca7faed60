import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UsersService } from '#libs/users';
import { createApiKey, createUser, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, validation } from './helpers.js';

describe('GET /api/users/', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('shows a non-staff caller only themselves', async () => {
    await createUser(t.app, { email: 'other@example.com' });
    const { user, client } = await loggedInUser(t.app);
    const res = await client.get('/api/users/').expect(200);
    expect(res.body.count).toBe(1);
    expect(res.body.results.map((u: { uuid: string }) => u.uuid)).toEqual([user.uuid]);
    // Another user's email finds nothing for them.
    const filtered = await client.get('/api/users/?email=other@example.com').expect(200);
    expect(filtered.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it('shows staff every active user, ordered by id, with full bodies', async () => {
    const a = await createUser(t.app);
    const b = await createUser(t.app);
    const inactive = await createUser(t.app);
    await t.app.get(UsersService).update(inactive, { isActive: false });
    const { user: staff, client } = await loggedInUser(t.app, { isStaff: true });
    const res = await client.get('/api/users').expect(200);
    expect(res.body.count).toBe(3);
    expect(res.body.results.map((u: { id: number }) => u.id)).toEqual([a.id, b.id, staff.id]);
    expect(res.body.results[0]).toMatchObject({ uuid: a.uuid, email: a.email, shortcut_position: 'above', sensitive_session_expires_at: null });
    expect(res.body.results[0]).not.toHaveProperty('password');
    // The caller's own row carries their re-auth window.
    expect(res.body.results[2].sensitive_session_expires_at).not.toBeNull();
  });

  it('filters by email exactly and case-insensitively', async () => {
    const target = await createUser(t.app, { email: 'foo@bar.com' });
    await createUser(t.app, { email: 'foo@bar.community' });
    const { client } = await loggedInUser(t.app, { isStaff: true });
    const res = await client.get('/api/users/?email=FOO@Bar.com').expect(200);
    expect(res.body.count).toBe(1);
    expect(res.body.results[0]).toMatchObject({ id: target.id, email: 'foo@bar.com' });
    expect((await client.get('/api/users/?email=foo@bar').expect(200)).body.count).toBe(0);
  });

  it('filters by is_staff', async () => {
    const plain = await createUser(t.app);
    const { user: staff, client } = await loggedInUser(t.app, { isStaff: true });
    const staffOnly = await client.get('/api/users/?is_staff=true').expect(200);
    expect(staffOnly.body.results.map((u: { id: number }) => u.id)).toEqual([staff.id]);
    expect(staffOnly.body.results[0].is_staff).toBe(true);
    const others = await client.get('/api/users/?is_staff=false').expect(200);
    expect(others.body.results.map((u: { id: number }) => u.id)).toEqual([plain.id]);
  });

  it('refuses a bad is_staff value with attr is_staff', async () => {
    const { client } = await loggedInUser(t.app, { isStaff: true });
    expectError(await client.get('/api/users/?is_staff=maybe'), 400, validation('invalid_choice', '"maybe" is not a valid choice.', 'is_staff'));
  });

  it('paginates with limit/offset and absolute links', async () => {
    const others = [await createUser(t.app), await createUser(t.app), await createUser(t.app)];
    const { user: staff, client } = await loggedInUser(t.app, { isStaff: true });
    const first = await client.get('/api/users/?limit=2').expect(200);
    expect(first.body.count).toBe(4);
    expect(first.body.results.map((u: { id: number }) => u.id)).toEqual([others[0]!.id, others[1]!.id]);
    expect(first.body.previous).toBeNull();
    const next = new URL(first.body.next);
    expect(next.pathname).toBe('/api/users/');
    expect(next.searchParams.get('offset')).toBe('2');
    const second = await client.get(`${next.pathname}${next.search}`).expect(200);
    expect(second.body.results.map((u: { id: number }) => u.id)).toEqual([others[2]!.id, staff.id]);
    expect(second.body.next).toBeNull();
    expect(second.body.previous).not.toBeNull();
    // The count is the whole list's on a full page, a short one and one past the end.
    for (const [query, count, length] of [['limit=3', 4, 3], ['limit=3&offset=3', 4, 1], ['limit=2&offset=9', 4, 0], ['limit=5', 4, 4]] as const) {
      const page = await client.get(`/api/users/?${query}`).expect(200);
      expect([page.body.count, page.body.results.length]).toEqual([count, length]);
    }
    expectError(await client.get('/api/users/?limit=0'), 400, validation('min_value', 'Ensure this value is greater than or equal to 1.', 'limit'));
    expectError(await client.get('/api/users/?offset=x'), 400, validation('invalid_input', 'A valid integer is required.', 'offset'));
  });

  it('needs user:read on an API key and refuses POST with 405, creating nobody', async () => {
    const user = await createUser(t.app);
    const readKey = await createApiKey(t.app, user, ['user:read']);
    const otherKey = await createApiKey(t.app, user, ['organization:read']);
    expect((await t.http().get('/api/users/').set('Authorization', `Bearer ${readKey}`).expect(200)).body.count).toBe(1);
    expectError(
      await t.http().get('/api/users/').set('Authorization', `Bearer ${otherKey}`),
      403,
      { type: 'authentication_error', code: 'permission_denied', detail: "API key missing required scope 'user:read'", attr: null },
    );
    const writeKey = await createApiKey(t.app, user, ['*']);
    const res = await t.http().post('/api/users/').set('Authorization', `Bearer ${writeKey}`).send({ first_name: 'James', email: 'james@example.com' });
    expectError(res, 405, { type: 'invalid_request', code: 'method_not_allowed', detail: 'Method "POST" not allowed.', attr: null });
    expect(await t.app.get(UsersService).findByEmail('james@example.com')).toBeNull();
  });

  it('refuses anonymous callers', async () => {
    expectError(await t.http().get('/api/users/'), 401, {
      type: 'authentication_error',
      code: 'not_authenticated',
      detail: 'Authentication credentials were not provided.',
      attr: null,
    });
  });
});
