import type { INestApplicationContext } from '@nestjs/common';
import { apiKeyBody, ApiKeysService, MAX_API_KEYS_PER_USER } from '#libs/auth';
import { required } from '../cli-error.js';
import { findUserByEmail } from './find-user.js';

export const keysListOptions = {
  email: { type: 'string' },
} as const;

/** The user's keys, newest first, as the API shows them (never a value: only hashes are stored). */
export async function keysList(app: INestApplicationContext, values: Record<string, unknown>) {
  const user = await findUserByEmail(app, required(values, 'email'));
  const { items } = await app.get(ApiKeysService).list(user.id, { limit: MAX_API_KEYS_PER_USER * 10, offset: 0 });
  return items.map((key) => apiKeyBody(key));
}
