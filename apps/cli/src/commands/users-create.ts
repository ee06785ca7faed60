import type { INestApplicationContext } from '@nestjs/common';
import { assertStrongPassword, normalizeEmailAddress, UsersService } from '#libs/users';
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
  const firstName = (values['first-name'] as string | undefined) ?? '';
  const lastName = (values['last-name'] as string | undefined) ?? '';
  const password = required(values, 'password');
  // The API's own rules: a valid address, and the password policy of a password change.
  const email = optionRules(() => {
    const address = normalizeEmailAddress(required(values, 'email'));
    assertStrongPassword(password, { email: address, firstName, lastName });
    return address;
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
