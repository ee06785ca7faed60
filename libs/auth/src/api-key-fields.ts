import { z } from 'zod';
import { isUuid, quotable } from '#libs/core';
import { isScope } from './scopes.js';

const scopes = z.array(z.unknown()).superRefine((list, ctx) => {
  if (list.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'At least one scope is required.' });
    return;
  }
  const bad = list.find((s) => !isScope(s));
  if (bad !== undefined) {
    // null is not quoted here: "Invalid scope: null" would read as a scope named null.
    const shown = bad === null ? undefined : quotable(bad);
    ctx.addIssue({ code: 'custom', message: shown === undefined ? 'Invalid scope.' : `Invalid scope: ${shown}` });
  }
}) as unknown as z.ZodType<string[]>;

const scopedOrganizations = z.array(z.unknown()).superRefine((list, ctx) => {
  if (list.some((id) => !isUuid(id))) ctx.addIssue({ code: 'custom', message: 'Invalid organization UUID' });
}).transform((list) => [...new Set((list as string[]).map((id) => id.toLowerCase()))]);

const scopedTeams = z.array(z.number().int()).transform((list) => [...new Set(list)]);

/**
 * The writable fields of a personal API key, in the order their errors are reported (label, scopes,
 * scoped_teams, scoped_organizations). Shapes and known scopes only; memberships need the database
 * and are checked by ApiKeysService.
 */
export const apiKeyFieldsSchema = z.object({
  label: z.string().trim().min(1).max(40),
  scopes,
  scoped_teams: scopedTeams.optional(),
  scoped_organizations: scopedOrganizations.optional(),
});

/** PATCH/PUT: every field optional; a given list replaces the stored one. */
export const apiKeyUpdateSchema = apiKeyFieldsSchema.partial();

export type ApiKeyFields = z.output<typeof apiKeyFieldsSchema>;
export type ApiKeyUpdate = z.output<typeof apiKeyUpdateSchema>;
