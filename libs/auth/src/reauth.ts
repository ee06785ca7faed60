import type { AppConfig } from '#libs/config';
import { permissionDenied } from '#libs/core';
import type { AuthContext } from './auth-context.js';

/** When the session's sensitive-action window closes (null for API keys). */
export function sensitiveSessionExpiresAt(auth: AuthContext, maxAgeS: number): Date | null {
  if (auth.via !== 'session') return null;
  const since = Math.max(auth.session.createdAt, auth.session.reauthAt ?? 0);
  return new Date(since + maxAgeS * 1000);
}

/** Sensitive session actions need a login or re-auth within `maxAgeS`. */
export function assertRecentlyAuthenticated(auth: AuthContext, maxAgeS: number): void {
  const expiresAt = sensitiveSessionExpiresAt(auth, maxAgeS);
  if (expiresAt && expiresAt.getTime() < Date.now()) {
    throw permissionDenied('This action requires you to be recently authenticated.', 'sensitive_action_required_reauth');
  }
}

/** When the session's fresh re-authentication window closes (null for API keys or no re-auth yet). */
export function freshReauthExpiresAt(auth: AuthContext, freshAgeS: number): Date | null {
  if (auth.via !== 'session' || auth.session.reauthAt === null) return null;
  return new Date(auth.session.reauthAt + freshAgeS * 1000);
}

/**
 * Identity changes (e-mail change, turning 2FA off, removing a passkey) need a re-authentication
 * (login, `/api/reauth`, passkey login) within `SESSION_FRESH_REAUTH_AGE_S`, and like every sensitive
 * write the re-auth window too, whichever is shorter (docs/api.md, Re-authentication). Either way
 * one refusal, the fresh one's; the message names the action.
 */
export function assertFreshlyAuthenticated(
  auth: AuthContext,
  windows: Pick<AppConfig, 'SESSION_FRESH_REAUTH_AGE_S' | 'SENSITIVE_ACTION_MAX_AGE_S'>,
  detail = "Confirm it's you before continuing.",
): void {
  if (auth.via !== 'session') return;
  const now = Date.now();
  const fresh = freshReauthExpiresAt(auth, windows.SESSION_FRESH_REAUTH_AGE_S);
  const sensitive = sensitiveSessionExpiresAt(auth, windows.SENSITIVE_ACTION_MAX_AGE_S);
  if (!fresh || fresh.getTime() < now || (sensitive && sensitive.getTime() < now)) {
    throw permissionDenied(detail, 'sensitive_action_required_reauth');
  }
}
