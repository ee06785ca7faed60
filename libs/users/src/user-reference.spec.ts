import { describe, expect, it } from '@jest/globals';
import { UserTargets, USERS_ROUTES, type TargetRules } from './user-reference.js';
import type { User } from './user.entity.js';
import type { UsersService } from './users.service.js';

const OTHER_UUID = '5d3c9f8e-0000-4000-8000-000000000001';
const other = { id: 9, uuid: OTHER_UUID } as User;
const users = {
  findActiveByUuid: async (uuid: string) => (uuid === OTHER_UUID ? other : null),
  findActiveById: async (id: number) => (id === 9 ? other : null),
} as unknown as UsersService;
const targets = new UserTargets(users);
const staff = { id: 1, uuid: '5d3c9f8e-0000-4000-8000-000000000002', isStaff: true } as User;
const member = { ...staff, isStaff: false } as User;
const BY_ID: TargetRules = { byId: true, forbidden: () => new Error('forbidden'), notFound: () => new Error('not found') };

describe('UserTargets', () => {
  it('gives the caller for @me, staff or not', async () => {
    await expect(targets.resolve(member, '@me')).resolves.toBe(member);
  });

  it("refuses a non-staff caller anything else, even their own uuid, with the route's 403", async () => {
    await expect(targets.resolve(member, member.uuid)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(targets.resolve(member, 'garbage', BY_ID)).rejects.toThrow('forbidden');
  });

  it('resolves a uuid for staff; an integer id only where the route allows it', async () => {
    await expect(targets.resolve(staff, OTHER_UUID)).resolves.toBe(other);
    await expect(targets.resolve(staff, '9', BY_ID)).resolves.toBe(other);
    await expect(targets.resolve(staff, '9', USERS_ROUTES)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('answers 404 for unknown or malformed references', async () => {
    for (const raw of ['5d3c9f8e-0000-4000-8000-00000000000f', 'abc', '-1', '1.5', '99999999999']) {
      await expect(targets.resolve(staff, raw, BY_ID)).rejects.toThrow('not found');
    }
  });
});
