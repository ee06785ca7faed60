import type { QueryParams } from '../http/api-request.js';
import { validationError } from '#libs/core';
import type { UserListFilter } from '#libs/users';

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** `?email=` (exact, case-insensitive) and `?is_staff=true|false`; empty values filter nothing. */
export function parseUserListFilter(query: QueryParams): UserListFilter {
  const filter: UserListFilter = {};
  const email = query.email;
  if (email !== undefined && email !== '') {
    if (typeof email !== 'string') throw validationError('invalid_input', 'Enter a single email address.', 'email');
    filter.email = email.trim();
  }
  const isStaff = query.is_staff;
  if (isStaff !== undefined && isStaff !== '') {
    const value = typeof isStaff === 'string' ? BOOLEANS[isStaff.toLowerCase()] : undefined;
    if (value === undefined) {
      throw validationError('invalid_choice', `"${typeof isStaff === 'string' ? isStaff : String(isStaff)}" is not a valid choice.`, 'is_staff');
    }
    filter.isStaff = value;
  }
  return filter;
}
