import { Reflector } from '@nestjs/core';
import type { RequiredScope } from './scopes.js';

/**
 * Who may call a route. Every route declares exactly one rule; the global AuthGuard refuses any
 * route that declares none (a forgotten declaration fails closed).
 * - `public`: no credentials needed.
 * - `session`: browser sessions only; API keys get 401 whatever their scopes.
 * - `scope`: a session, or an API key carrying `scope`.
 * - `session_or_own_key`: a session, or an API key whatever its scopes; the handler lets the key
 *   read only itself (a key can always see what it is, docs/api.md).
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'session' }
  | { kind: 'scope'; scope: RequiredScope }
  | { kind: 'session_or_own_key' };

export const Access = Reflector.createDecorator<AccessRule>();

export const Public = () => Access({ kind: 'public' });
export const SessionOnly = () => Access({ kind: 'session' });
export const RequireScope = (scope: RequiredScope) => Access({ kind: 'scope', scope });
export const SessionOrOwnKey = () => Access({ kind: 'session_or_own_key' });

/**
 * The route is a sensitive session action: the guard refuses a session outside its re-auth window
 * (`SENSITIVE_ACTION_MAX_AGE_S`) before the request body is validated, as a permission check
 * comes before validation (docs/api.md, Re-authentication). API keys are not concerned.
 */
export const RecentAuthRequired = Reflector.createDecorator<true>({ transform: () => true });
