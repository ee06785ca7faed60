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
