import type { INestApplicationContext } from '@nestjs/common';
import { ApiKeysService, isScope } from '#libs/auth';
import { CliError, required } from '../cli-error.js';
import { findUserByEmail } from './find-user.js';

export const keysCreateOptions = {
  email: { type: 'string' },
  label: { type: 'string' },
  scopes: { type: 'string' },
} as const;

export async function keysCreate(app: INestApplicationContext, values: Record<string, unknown>) {
  const email = required(values, 'email');
  const label = required(values, 'label');
  const scopes = required(values, 'scopes').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scopes.find((s) => !isScope(s));
  if (unknown !== undefined) throw new CliError(`unknown scope: ${unknown}`);
  if (label.length > 40) throw new CliError('--label must be at most 40 characters');
  const user = await findUserByEmail(app, email);
  const { key, value } = await app.get(ApiKeysService).create(user.id, { label, scopes });
  return { id: key.id, label: key.label, scopes: key.scopes, value };
}
