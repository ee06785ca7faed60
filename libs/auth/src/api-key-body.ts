import type { PersonalApiKey } from './personal-api-key.entity.js';

/** A personal API key as the API and the CLI show it (docs/api.md); `value` only when just minted. */
export interface ApiKeyBody {
  id: string;
  label: string;
  value: string | null;
  mask_value: string;
  created_at: string;
  last_used_at: string | null;
  last_rolled_at: string | null;
  user_id: number;
  scopes: string[];
  scoped_teams: number[] | null;
  scoped_organizations: string[] | null;
}

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
