import type { INestApplicationContext } from '@nestjs/common';
import { UsersService } from '#libs/users';
import { CliError, required } from '../cli-error.js';

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
  const email = required(values, 'email').toLowerCase();
  const password = required(values, 'password');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw new CliError(`invalid email address: ${email}`);
  const users = app.get(UsersService);
  if (await users.findByEmail(email)) throw new CliError(`a user with email ${email} already exists`);
  const user = await users.create({
    email,
    password,
    isStaff: values.staff === true,
    isEmailVerified: values.unverified !== true,
    firstName: (values['first-name'] as string | undefined) ?? '',
    lastName: (values['last-name'] as string | undefined) ?? '',
  });
  return { id: user.id, uuid: user.uuid, email: user.email, is_staff: user.isStaff, is_email_verified: user.isEmailVerified };
}
