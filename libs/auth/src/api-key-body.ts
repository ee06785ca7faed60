import { z } from 'zod';
import type { PersonalApiKey } from './personal-api-key.entity.js';

/** A personal API key as the API and the CLI show it (docs/api.md); `value` only when just minted. */
export const apiKeyBodySchema = z.object({
  id: z.string(),
  label: z.string(),
  value: z.string().nullable().describe('The plaintext: only in the create and roll responses, null everywhere else.'),
  mask_value: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  last_rolled_at: z.string().nullable(),
  user_id: z.number().int(),
  scopes: z.array(z.string()),
  scoped_teams: z.array(z.number().int()).nullable(),
  scoped_organizations: z.array(z.string()).nullable(),
});
export type ApiKeyBody = z.infer<typeof apiKeyBodySchema>;

export const apiKeyBody = (key: PersonalApiKey, value: string | null = null): ApiKeyBody => ({
  id: key.id,
  label: key.label,
  value,
  mask_value: key.maskValue,
  created_at: key.createdAt.toISOString(),
  last_used_at: key.lastUsedAt?.toISOString() ?? null,
  last_rolled_at: key.lastRolledAt?.toISOString() ?? null,
  user_id: key.userId,
  // A stored empty list grants nothing but reads as "all", as PostHog shows it.
  scopes: key.scopes.length > 0 ? key.scopes : ['*'],
  scoped_teams: key.scopedTeams,
  scoped_organizations: key.scopedOrganizations,
});
