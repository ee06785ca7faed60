import { permissionDenied } from '#libs/core';
import type { AuthContext } from './auth-context.js';

/**
 * The organizations a request may touch: null when unrestricted (a session, or a key without
 * `scoped_organizations`), else the key's list (docs/api.md, personal API keys).
 */
export function scopedOrganizationsOf(auth: AuthContext): string[] | null {
  if (auth.via !== 'api_key') return null;
  const list = auth.apiKey.scopedOrganizations;
  return list && list.length > 0 ? list.map((id) => id.toLowerCase()) : null;
}

/** A key scoped to other organizations gets 403 on this one's routes, before any lookup. */
export function assertOrganizationInKeyScope(auth: AuthContext, organizationId: string): void {
  const allowed = scopedOrganizationsOf(auth);
  if (allowed && !allowed.includes(organizationId.toLowerCase())) {
    throw permissionDenied(`API key does not have access to the requested organization: ID ${organizationId}.`);
  }
}
