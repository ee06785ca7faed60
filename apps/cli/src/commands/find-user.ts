import type { INestApplicationContext } from '@nestjs/common';
import { UsersService, type User } from '#libs/users';
import { CliError } from '../cli-error.js';

export async function findUserByEmail(app: INestApplicationContext, email: string): Promise<User> {
  const user = await app.get(UsersService).findByEmail(email);
  if (!user) throw new CliError(`no user with email ${email}`);
  return user;
}
