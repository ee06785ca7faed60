import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { PersonalApiKey, SessionsService } from '#libs/auth';
import { MembershipLevel, OrganizationsService } from '#libs/organizations';
import { UserDeletionListener } from '#libs/users';
import { createApiKey, createOrganization, createUser, login, loggedInUser } from '../../support/fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { denied, expectError, makeSessionStale, NON_STAFF_ME, REAUTH, storedUser } from './helpers.js';

const CONFLICT = { type: 'server_error', code: 'conflict', detail: 'Cannot delete user with organization memberships.', attr: null };

describe('DELETE /api/users/<uuid>/', () => {
  let t: TestApp;
  const beforeUserDeleted = jest.fn(async (_userId: number) => undefined);
  beforeAll(async () => {
    t = await createTestApp({
      customize: (builder) => builder.overrideProvider(UserDeletionListener).useValue({ beforeUserDeleted }),
    });
  });
  beforeEach(async () => {
    await t.reset();
    beforeUserDeleted.mockClear();
  });
  afterAll(() => t.close());

  it('deletes a user without memberships for good, with their keys and sessions', async () => {
    const { user, client } = await loggedInUser(t.app);
    const otherSession = await login(t.app, user.email);
    await createApiKey(t.app, user, ['*']);
    await client.delete('/api/users/@me/').expect(204).expect((res) => expect(res.text).toBe(''));
    expect(await storedUser(t, user.id)).toBeNull();
    expect(await t.dataSource.getRepository(PersonalApiKey).countBy({ userId: user.id })).toBe(0);
    expect(beforeUserDeleted).toHaveBeenCalledWith(user.id);
    expect((await otherSession.get('/api/users/@me/')).status).toBe(401);
    expect(await t.redis.exists(`user-sessions:${user.id}`)).toBe(0);
  });

  it('refuses with 409 while the user has any membership, then deletes once the organization is gone', async () => {
    const { user, client } = await loggedInUser(t.app);
    const { organization } = await createOrganization(t.app, user);
    expectError(await client.delete('/api/users/@me/'), 409, CONFLICT);
    expect(await storedUser(t, user.id)).not.toBeNull();
    expect(beforeUserDeleted).not.toHaveBeenCalled();
    await client.delete(`/api/organizations/${organization.id}/`).expect(204);
    expect((await client.get('/api/users/@me/')).body.organizations).toEqual([]);
    await client.delete('/api/users/@me/').expect(204);
  });

  it('counts a plain member membership too', async () => {
    const owner = await createUser(t.app);
    const { organization } = await t.app.get(OrganizationsService).create('Owned', owner.id);
    const { user, client } = await loggedInUser(t.app);
    await t.app.get(OrganizationsService).addMember(organization.id, user.id, MembershipLevel.Member);
    expectError(await client.delete('/api/users/@me/'), 409, CONFLICT);
  });

  it('refuses a non-staff caller any other user, with or without memberships', async () => {
    const lonely = await createUser(t.app);
    const member = await createUser(t.app);
    await createOrganization(t.app, member);
    const { client } = await loggedInUser(t.app);
    expectError(await client.delete(`/api/users/${lonely.uuid}/`), 403, denied(NON_STAFF_ME));
    expectError(await client.delete(`/api/users/${member.uuid}/`), 403, denied(NON_STAFF_ME));
    expect(await storedUser(t, lonely.id)).not.toBeNull();
  });

  it('lets staff delete another user', async () => {
    const victim = await createUser(t.app);
    const { client } = await loggedInUser(t.app, { isStaff: true });
    await client.delete(`/api/users/${victim.uuid}`).expect(204);
    expect(await storedUser(t, victim.id)).toBeNull();
  });

  it('needs a recent login, checked before the membership conflict', async () => {
    const { user, client } = await loggedInUser(t.app);
    await makeSessionStale(t, client);
    expectError(await client.delete('/api/users/@me/'), 403, REAUTH);
    await createOrganization(t.app, user);
    expectError(await client.delete('/api/users/@me/'), 403, REAUTH);
    expect(await storedUser(t, user.id)).not.toBeNull();
  });

  it('refuses API keys whatever their scopes', async () => {
    const user = await createUser(t.app);
    const key = await createApiKey(t.app, user, ['*']);
    expectError(await t.http().delete('/api/users/@me/').set('Authorization', `Bearer ${key}`), 401, {
      type: 'authentication_error',
      code: 'authentication_failed',
      detail: 'This action requires a browser session.',
      attr: null,
    });
    expect(await storedUser(t, user.id)).not.toBeNull();
    expect(beforeUserDeleted).not.toHaveBeenCalled();
  });

  it('keeps the sessions of a user it did not delete', async () => {
    const { user, client } = await loggedInUser(t.app);
    await createOrganization(t.app, user);
    await client.delete('/api/users/@me/').expect(409);
    expect(await t.app.get(SessionsService).get(client.sessionId)).not.toBeNull();
  });
});
