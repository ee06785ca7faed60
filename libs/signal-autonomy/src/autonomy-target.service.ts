import { Injectable } from '@nestjs/common';
import { UsersService, type User } from '#libs/users';
import { autonomyNotFound, otherUsersForbidden } from './autonomy-errors.js';
import { ME, parseUserReference } from './user-reference.js';

/**
 * Whose config a request addresses: `@me` is the caller; staff may also name another user by
 * integer id or uuid. Non-staff get 403 for anything but `@me`, before the value is even parsed;
 * for staff an unknown, inactive or malformed reference is a 404.
 */
@Injectable()
export class AutonomyTargetService {
  constructor(private readonly users: UsersService) {}

  async resolve(caller: User, raw: string): Promise<User> {
    if (raw === ME) return caller;
    if (!caller.isStaff) throw otherUsersForbidden();
    const ref = parseUserReference(raw);
    let user: User | null = null;
    if (ref?.kind === 'id') user = await this.users.findActiveById(ref.id);
    else if (ref?.kind === 'uuid') user = await this.users.findActiveByUuid(ref.uuid);
    if (!user) throw autonomyNotFound();
    return user;
  }
}
