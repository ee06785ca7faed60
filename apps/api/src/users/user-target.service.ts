import { Injectable } from '@nestjs/common';
import type { AuthContext } from '#libs/auth';
import { notFound, permissionDenied } from '#libs/core';
import { UsersService, type User } from '#libs/users';

export const ME = '@me';
const NON_STAFF_DETAIL = "As a non-staff user you're only allowed to access the `@me` user instance.";

/**
 * Resolves the `<uuid>` of `/api/users/<uuid>/...`: `@me` is the caller; anything else is for staff
 * only (even a non-staff user's own uuid), and unknown, inactive or malformed uuids are 404.
 */
@Injectable()
export class UserTargetService {
  constructor(private readonly users: UsersService) {}

  async resolve(auth: AuthContext, uuid: string): Promise<User> {
    if (uuid === ME) return auth.user;
    if (!auth.user.isStaff) throw permissionDenied(NON_STAFF_DETAIL);
    const user = await this.users.findActiveByUuid(uuid);
    if (!user) throw notFound();
    return user;
  }
}
