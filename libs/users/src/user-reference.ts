import { Injectable } from '@nestjs/common';
import { isUuid, notFound, permissionDenied } from '#libs/core';
import type { User } from './user.entity.js';
import { UsersService } from './users.service.js';

/** How a route's user segment (`/api/users/<id>/...`) names a user. */
export type UserReference = { kind: 'me' } | { kind: 'id'; id: number } | { kind: 'uuid'; uuid: string };

export const ME = '@me';
/** users.id is a PostgreSQL integer; anything larger cannot exist (and must not reach SQL). */
const MAX_USER_ID = 2_147_483_647;

/** `@me`, a positive integer id or a uuid; anything else (`abc`, `-1`, `1.5`, ...) is null. */
export function parseUserReference(raw: string): UserReference | null {
  if (raw === ME) return { kind: 'me' };
  if (/^[0-9]{1,10}$/.test(raw)) {
    const id = Number(raw);
    return id >= 1 && id <= MAX_USER_ID ? { kind: 'id', id } : null;
  }
  if (isUuid(raw)) return { kind: 'uuid', uuid: raw };
  return null;
}

/** How a route reads its user segment, and what it answers for one it will not resolve. */
export interface TargetRules {
  /** Whether an integer id names a user (otherwise only `@me` and uuids do). */
  byId: boolean;
  /** A non-staff caller named anyone but `@me` (checked before the value is even parsed). */
  forbidden: () => Error;
  /** Unknown, inactive or malformed. */
  notFound: () => Error;
}

/** `/api/users/<uuid>/...`: even a non-staff user's own uuid is refused; a malformed one is a 404. */
export const USERS_ROUTES: TargetRules = {
  byId: false,
  forbidden: () => permissionDenied("As a non-staff user you're only allowed to access the `@me` user instance."),
  notFound: () => notFound(),
};

/**
 * The one resolver of a route's user segment: `@me` is the caller; staff may also name another
 * user, by uuid (and, where `byId`, by integer id). Used by the users routes (uuid only) and by
 * signal autonomy (id or uuid).
 */
@Injectable()
export class UserTargets {
  constructor(private readonly users: UsersService) {}

  async resolve(caller: User, raw: string, rules: TargetRules = USERS_ROUTES): Promise<User> {
    if (raw === ME) return caller;
    if (!caller.isStaff) throw rules.forbidden();
    const ref = parseUserReference(raw);
    let user: User | null = null;
    if (ref?.kind === 'uuid') user = await this.users.findActiveByUuid(ref.uuid);
    else if (ref?.kind === 'id' && rules.byId) user = await this.users.findActiveById(ref.id);
    if (!user) throw rules.notFound();
    return user;
  }
}
