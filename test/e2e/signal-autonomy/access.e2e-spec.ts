import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { User } from '#libs/users';
import { createApiKey, createUser, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { autonomyUrl, bearer, MISSING_WRITE_SCOPE, NOT_FOUND, OTHER_USERS_FORBIDDEN, storedConfigs } from './autonomy-helpers.js';

describe('signal autonomy: who may call it and for whom', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** A user who already has a saved config, so refused writes have something to (not) change. */
  async function userWithConfig(overrides: Parameters<typeof createUser>[1] = {}): Promise<{ user: User; key: string }> {
    const user = await createUser(t.app, overrides);
    const key = await createApiKey(t.app, user, ['user:write']);
    await t.http().post(autonomyUrl('@me')).set(bearer(key)).send({ autostart_priority: 'P2', slack_notification_channel: '#mine' }).expect(200);
    return { user, key };
  }

  describe('API key scopes', () => {
    it('refuses a user:read key on GET, POST and DELETE, naming user:write, and writes nothing', async () => {
      const { user } = await userWithConfig();
      const before = await storedConfigs(t, user.id);
      const readKey = await createApiKey(t.app, user, ['user:read']);
      for (const req of [
        t.http().get(autonomyUrl('@me')),
        t.http().post(autonomyUrl('@me')).send({ autostart_priority: 'P0' }),
        t.http().delete(autonomyUrl('@me')),
      ]) {
        const res = await req.set(bearer(readKey));
        expect(res.status).toBe(403);
        expect(res.body).toEqual(MISSING_WRITE_SCOPE);
      }
      expect(await storedConfigs(t, user.id)).toEqual(before);
    });

    it('refuses a key with only organization scopes', async () => {
      const user = await createUser(t.app);
      const key = await createApiKey(t.app, user, ['organization:read', 'organization:write']);
      const res = await t.http().get(autonomyUrl('@me')).set(bearer(key)).expect(403);
      expect(res.body).toEqual(MISSING_WRITE_SCOPE);
    });

    it('accepts user:write and * keys for all three methods', async () => {
      for (const scopes of [['user:write'], ['*']] as const) {
        const user = await createUser(t.app);
        const key = await createApiKey(t.app, user, [...scopes]);
        await t.http().post(autonomyUrl('@me')).set(bearer(key)).send({ autostart_priority: 'P3' }).expect(200);
        expect((await t.http().get(autonomyUrl('@me')).set(bearer(key)).expect(200)).body.autostart_priority).toBe('P3');
        await t.http().delete(autonomyUrl('@me')).set(bearer(key)).expect(204);
        expect(await storedConfigs(t, user.id)).toEqual([]);
      }
    });

    it('answers 401 without credentials', async () => {
      const res = await t.http().get(autonomyUrl('@me')).expect(401);
      expect(res.body).toEqual({
        type: 'authentication_error',
        code: 'not_authenticated',
        detail: 'Authentication credentials were not provided.',
        attr: null,
      });
    });
  });

  describe('sessions', () => {
    it('serves all three methods to a session (with the CSRF header on writes)', async () => {
      const { user, client } = await loggedInUser(t.app);
      await client.get(autonomyUrl('@me')).expect(404);
      const saved = await client.post(autonomyUrl('@me'), { slack_notification_min_priority: 'P1' }).expect(200);
      expect(saved.body.slack_notification_min_priority).toBe('P1');
      expect((await client.get(autonomyUrl('@me')).expect(200)).body.id).toBe(saved.body.id);
      await client.delete(autonomyUrl('@me')).expect(204);
      expect(await storedConfigs(t, user.id)).toEqual([]);
    });

    it('refuses a session POST or DELETE without the CSRF header, changing nothing', async () => {
      const { user, client } = await loggedInUser(t.app);
      await client.post(autonomyUrl('@me'), { autostart_priority: 'P4' }).expect(200);
      const before = await storedConfigs(t, user.id);
      const cookie = `sessionid=${client.sessionId}; csrftoken=${client.csrfToken}`;
      const post = await t.http().post(autonomyUrl('@me')).set('Cookie', cookie).send({ autostart_priority: 'P0' }).expect(403);
      expect(post.body).toEqual({ type: 'authentication_error', code: 'permission_denied', detail: 'CSRF Failed: CSRF token missing.', attr: null });
      const del = await t.http().delete(autonomyUrl('@me')).set('Cookie', cookie).expect(403);
      expect(del.body.detail).toBe('CSRF Failed: CSRF token missing.');
      const wrong = await t.http().post(autonomyUrl('@me')).set('Cookie', cookie).set('X-CSRFToken', 'x'.repeat(client.csrfToken.length)).send({});
      expect(wrong.status).toBe(403);
      expect(wrong.body.detail).toBe('CSRF Failed: CSRF token incorrect.');
      expect(await storedConfigs(t, user.id)).toEqual(before);
    });
  });

  describe('non-staff callers', () => {
    it('refuse anything but @me — another user, their own id or uuid, or garbage — on every method', async () => {
      const { user: me, key } = await userWithConfig();
      const { user: other } = await userWithConfig();
      const mine = await storedConfigs(t, me.id);
      const theirs = await storedConfigs(t, other.id);
      const refs = [other.id, other.uuid, me.id, me.uuid, 'abc', '-1', '999999', randomUUID()];
      for (const ref of refs) {
        for (const req of [
          t.http().get(autonomyUrl(ref)),
          t.http().post(autonomyUrl(ref)).send({ autostart_priority: 'P0' }),
          t.http().delete(autonomyUrl(ref)),
        ]) {
          const res = await req.set(bearer(key));
          expect({ ref, status: res.status, body: res.body }).toEqual({ ref, status: 403, body: OTHER_USERS_FORBIDDEN });
        }
      }
      expect(await storedConfigs(t, me.id)).toEqual(mine);
      expect(await storedConfigs(t, other.id)).toEqual(theirs);
    });

    it('refuse other users from a session too', async () => {
      const { client } = await loggedInUser(t.app);
      const other = await createUser(t.app);
      const res = await client.post(autonomyUrl(other.id), { autostart_priority: 'P1' }).expect(403);
      expect(res.body).toEqual(OTHER_USERS_FORBIDDEN);
      expect(await storedConfigs(t, other.id)).toEqual([]);
    });
  });

  describe('staff callers', () => {
    it('address another user by integer id or uuid, and themselves by @me', async () => {
      const staff = await createUser(t.app, { isStaff: true });
      const staffKey = await createApiKey(t.app, staff, ['user:write']);
      const target = await createUser(t.app, { firstName: 'Grace', lastName: 'Hopper' });
      const targetKey = await createApiKey(t.app, target, ['user:write']);

      const created = await t.http().post(autonomyUrl(target.id)).set(bearer(staffKey)).send({ autostart_priority: 'P1' }).expect(200);
      expect(created.body.user).toEqual({ id: target.id, uuid: target.uuid, first_name: 'Grace', last_name: 'Hopper', email: target.email });
      const updated = await t.http().post(autonomyUrl(target.uuid)).set(bearer(staffKey)).send({ slack_notification_channel: '#ops' }).expect(200);
      expect(updated.body).toMatchObject({ id: created.body.id, autostart_priority: 'P1', slack_notification_channel: '#ops' });
      // Upper-case uuids are the same uuid.
      const byUpper = await t.http().get(autonomyUrl(target.uuid.toUpperCase())).set(bearer(staffKey)).expect(200);
      expect(byUpper.body.id).toBe(created.body.id);

      // The target sees what staff wrote, and staff's own @me is untouched.
      const own = await t.http().get(autonomyUrl('@me')).set(bearer(targetKey)).expect(200);
      expect(own.body).toEqual(updated.body);
      expect(await storedConfigs(t, staff.id)).toEqual([]);
      await t.http().get(autonomyUrl('@me')).set(bearer(staffKey)).expect(404);
      await t.http().post(autonomyUrl('@me')).set(bearer(staffKey)).send({ autostart_priority: 'P4' }).expect(200);
      expect((await storedConfigs(t, staff.id))[0]!.autostart_priority).toBe('P4');
      expect((await storedConfigs(t, target.id))[0]!.autostart_priority).toBe('P1');

      await t.http().delete(autonomyUrl(target.id)).set(bearer(staffKey)).expect(204);
      expect(await storedConfigs(t, target.id)).toEqual([]);
      expect(await storedConfigs(t, staff.id)).toHaveLength(1);
    });

    it('may address themselves by id from a session', async () => {
      const { user, client } = await loggedInUser(t.app, { isStaff: true });
      await client.post(autonomyUrl(user.id), { autostart_priority: 'P0' }).expect(200);
      expect((await client.get(autonomyUrl('@me')).expect(200)).body.autostart_priority).toBe('P0');
    });

    it('get 404 (never 500) for unknown, inactive and malformed ids, on every method, writing nothing', async () => {
      const staff = await createUser(t.app, { isStaff: true });
      const key = await createApiKey(t.app, staff, ['*']);
      const inactive = await createUser(t.app);
      await t.dataSource.query('UPDATE users SET is_active = false WHERE id = $1', [inactive.id]);
      const refs = [
        '999999',
        randomUUID(),
        inactive.id,
        inactive.uuid,
        'abc',
        '-1',
        '0',
        '1.5',
        '1e3',
        '0x10',
        'not-a-uuid',
        `${randomUUID()}0`,
        '2147483648',
        '99999999999999999999999',
        '%20',
        'null',
      ];
      for (const ref of refs) {
        for (const req of [
          t.http().get(autonomyUrl(ref)),
          t.http().post(autonomyUrl(ref)).send({ autostart_priority: 'P0' }),
          t.http().delete(autonomyUrl(ref)),
        ]) {
          const res = await req.set(bearer(key));
          expect({ ref, status: res.status, body: res.body }).toEqual({ ref, status: 404, body: NOT_FOUND });
        }
      }
      expect(await storedConfigs(t, inactive.id)).toEqual([]);
      expect(await storedConfigs(t, staff.id)).toEqual([]);
    });
  });
});
