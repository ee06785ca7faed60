import { Reflector } from '@nestjs/core';
import type { RequiredScope } from './scopes.js';

/**
 * Who may call a route. Every route declares exactly one rule; the global AuthGuard refuses any
 * route that declares none (a forgotten declaration fails closed).
 * - `public`: no credentials needed.
 * - `session`: browser sessions only; API keys get 401 whatever their scopes.
 * - `scope`: a session, or an API key carrying `scope`.
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'session' }
  | { kind: 'scope'; scope: RequiredScope };

export const Access = Reflector.createDecorator<AccessRule>();

export const Public = () => Access({ kind: 'public' });
export const SessionOnly = () => Access({ kind: 'session' });
export const RequireScope = (scope: RequiredScope) => Access({ kind: 'scope', scope });
