import type { INestApplicationContext } from '@nestjs/common';
import { parseOrThrow } from '#libs/core';
import { assertStrongPassword, newUserIdentitySchema, UsersService } from '#libs/users';
import { CliError, optionRules, required } from '../cli-error.js';

export const usersCreateOptions = {
  email: { type: 'string' },
  password: { type: 'string' },
  staff: { type: 'boolean', default: false },
  /** The account must verify its address (a code at login) before it can log in. */
  unverified: { type: 'boolean', default: false },
  'first-name': { type: 'string' },
  'last-name': { type: 'string' },
} as const;

export async function usersCreate(app: INestApplicationContext, values: Record<string, unknown>) {
  const password = required(values, 'password');
  // The API's own rules: the fields' schema, and the password policy of a password change.
  const { email, first_name: firstName, last_name: lastName } = optionRules(() => {
    const identity = parseOrThrow(newUserIdentitySchema, {
      email: required(values, 'email'),
      first_name: values['first-name'],
      last_name: values['last-name'],
    });
    assertStrongPassword(password, { email: identity.email, firstName: identity.first_name, lastName: identity.last_name });
    return identity;
  });
  const users = app.get(UsersService);
  if (await users.findByEmail(email)) throw new CliError(`a user with email ${email} already exists`);
  const user = await users.create({
    email,
    password,
    isStaff: values.staff === true,
    isEmailVerified: values.unverified !== true,
    firstName,
    lastName,
  });
  return { id: user.id, uuid: user.uuid, email: user.email, is_staff: user.isStaff, is_email_verified: user.isEmailVerified };
}
