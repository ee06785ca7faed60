import type { INestApplicationContext } from '@nestjs/common';
import { ApiKeysService, isScope } from '#libs/auth';
import { CliError, required } from '../cli-error.js';
import { findUserByEmail } from './find-user.js';
import { isUuid } from '#libs/core';

export const keysCreateOptions = {
  email: { type: 'string' },
  label: { type: 'string' },
  scopes: { type: 'string' },
  'scoped-organizations': { type: 'string' },
  'scoped-teams': { type: 'string' },
} as const;

const list = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);

/**
 * A key for a user, made by an operator. Unlike the user's own first key it does not mark the
 * user's credentials reviewed: a key someone else made is what the review screen is for (docs/api.md).
 */
export async function keysCreate(app: INestApplicationContext, values: Record<string, unknown>) {
  const email = required(values, 'email');
  const label = required(values, 'label');
  const scopes = list(required(values, 'scopes'));
  if (scopes.length === 0) throw new CliError('--scopes needs at least one scope');
  const unknown = scopes.find((s) => !isScope(s));
  if (unknown !== undefined) throw new CliError(`unknown scope: ${unknown}`);
  if (label.length > 40) throw new CliError('--label must be at most 40 characters');
  const scopedOrganizations = list(values['scoped-organizations']);
  const badOrg = scopedOrganizations.find((id) => !isUuid(id));
  if (badOrg !== undefined) throw new CliError(`invalid organization id: ${badOrg}`);
  const rawTeams = list(values['scoped-teams']);
  const badTeam = rawTeams.find((id) => !/^[1-9]\d{0,9}$/.test(id));
  if (badTeam !== undefined) throw new CliError(`invalid team id: ${badTeam}`);
  const user = await findUserByEmail(app, email);
  const { key, value } = await app.get(ApiKeysService).create(user.id, {
    label,
    scopes,
    scopedOrganizations: scopedOrganizations.map((id) => id.toLowerCase()),
    scopedTeams: rawTeams.map(Number),
  });
  return { id: key.id, label: key.label, scopes: key.scopes, value };
}
