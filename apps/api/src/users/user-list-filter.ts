import type { QueryParams } from '../http/api-request.js';
import { quotable, validationError } from '#libs/core';
import { EMAIL_MAX, type UserListFilter } from '#libs/users';

// A Map, not an object literal: `?is_staff=constructor` must not find Object.prototype's member.
const BOOLEANS = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/** DRF's wording, quoting the value only when it is short (docs/api.md, "Errors"). */
function choiceDetail(value: unknown): string {
  const shown = quotable(value);
  return shown === undefined ? 'Not a valid choice.' : `"${shown}" is not a valid choice.`;
}

/** `?email=` (exact, case-insensitive) and `?is_staff=true|false`; empty values filter nothing. */
export function parseUserListFilter(query: QueryParams): UserListFilter {
  const filter: UserListFilter = {};
  const email = query.email;
  if (email !== undefined && email !== '') {
    if (typeof email !== 'string') throw validationError('invalid_input', 'Enter a single email address.', 'email');
    filter.email = email.trim();
    if (filter.email.length > EMAIL_MAX) {
      throw validationError('max_length', `Ensure this field has no more than ${EMAIL_MAX} characters.`, 'email');
    }
  }
  const isStaff = query.is_staff;
  if (isStaff !== undefined && isStaff !== '') {
    const value = typeof isStaff === 'string' ? BOOLEANS.get(isStaff.toLowerCase()) : undefined;
    if (value === undefined) {
      throw validationError('invalid_choice', choiceDetail(isStaff), 'is_staff');
    }
    filter.isStaff = value;
  }
  return filter;
}
