import type { INestApplicationContext } from '@nestjs/common';
import { ApiKeysService, apiKeyFieldsSchema } from '#libs/auth';
import { validationErrorFromIssue } from '#libs/core';
import { optionError, required } from '../cli-error.js';
import { findUserByEmail } from './find-user.js';

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
  // The API's own schema for a key's fields; a refusal names the option (`--scopes: …`).
  const parsed = apiKeyFieldsSchema.safeParse(
    {
      label: required(values, 'label'),
      scopes: list(required(values, 'scopes')),
      scoped_organizations: list(values['scoped-organizations']),
      scoped_teams: list(values['scoped-teams']).map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : id)),
    },
    { reportInput: true },
  );
  if (!parsed.success) throw optionError(validationErrorFromIssue(parsed.error.issues[0]!));
  const fields = parsed.data;
  const user = await findUserByEmail(app, email);
  const { key, value } = await app.get(ApiKeysService).create(user.id, {
    label: fields.label,
    scopes: fields.scopes,
    scopedOrganizations: fields.scoped_organizations,
    scopedTeams: fields.scoped_teams,
  });
  return { id: key.id, label: key.label, scopes: key.scopes, value };
}
