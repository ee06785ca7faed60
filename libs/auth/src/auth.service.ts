import { Injectable } from '@nestjs/common';
import { DomainError, validationError } from '#libs/core';
import { UsersService, verifyPassword, type User } from '#libs/users';
import type { ApiKeySource, AuthContext } from './auth-context.js';
import type { LoginBody } from './credentials.schema.js';
import { ApiKeysService } from './api-keys.service.js';
import { SessionsService, type Session } from './sessions.service.js';
import { ThrottlesService } from './throttles.service.js';
import { SecondFactorService } from './two-factor/second-factor.service.js';

const invalidCredentials = () =>
  new DomainError('authentication_failed', 'authentication_failed', 'Invalid email or password.');

/** A password login's outcome: a session, or a pre-auth state waiting for the second factor. */
export type LoginOutcome = { kind: 'session'; user: User; session: Session } | { kind: 'second_factor'; pendingId: string };

export interface PresentedApiKey {
  value: string;
  source: ApiKeySource;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly sessions: SessionsService,
    private readonly throttles: ThrottlesService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  /**
   * Checks email and password (throttled per email and per IP) and opens a session. `admit` runs
   * after the credentials passed and before the session exists, and may refuse by throwing (the
   * e-mail verification gate, docs/api.md). Then, with 2FA on and no remember-device cookie among
   * `cookies`, no session: a pending login for `POST /api/login/token`.
   */
  async login(
    { email: normalized, password }: LoginBody,
    ip: string,
    cookies: Record<string, string | undefined>,
    admit?: (user: User) => Promise<void>,
  ): Promise<LoginOutcome> {
    await this.throttles.consume('loginPerIp', ip);
    await this.throttles.consume('loginPerEmail', normalized);
    const user = await this.users.findByEmail(normalized);
    // Always one argon2 verification (a dummy hash for an unknown email or a user without a
    // password), so the answer's timing does not tell which emails have accounts.
    const passwordOk = await verifyPassword(user?.password ?? null, password);
    if (!user || !user.isActive || !passwordOk) throw invalidCredentials();
    if (admit) await admit(user);
    if (await this.secondFactor.required(user, cookies)) return { kind: 'second_factor', pendingId: await this.secondFactor.start(user) };
    return { kind: 'session', user, session: await this.sessions.create(user.id) };
  }

  /** Confirms the password of a session's user; the returned session has a new CSRF token. */
  async reauthenticate(auth: AuthContext, password: string): Promise<Session | null> {
    if (auth.via !== 'session') return null;
    // A stolen session must not become an oracle for the password: same budget as a password change's current_password (docs/api.md, Throttles).
    await this.throttles.consume('passwordPerUser', String(auth.user.id));
    if (!(await verifyPassword(auth.user.password, password))) {
      throw validationError('incorrect_password', 'Your current password is incorrect.', 'password');
    }
    return this.sessions.markReauthenticated(auth.session);
  }

  async logout(auth: AuthContext): Promise<void> {
    if (auth.via === 'session') await this.sessions.delete(auth.session);
  }

  /** Resolves a presented API key, or throws 401 naming where the key was found. */
  async authenticateApiKey(presented: PresentedApiKey): Promise<AuthContext> {
    const found = await this.apiKeys.authenticate(presented.value);
    if (!found) {
      throw new DomainError(
        'authentication_failed',
        'authentication_failed',
        `Personal API key found in request ${presented.source} is invalid.`,
      );
    }
    return { via: 'api_key', user: found.user, apiKey: found.key };
  }

  /** Resolves a session id to a session of an active user, or null. */
  async authenticateSession(sessionId: string): Promise<AuthContext | null> {
    const session = await this.sessions.get(sessionId);
    if (!session) return null;
    const user = await this.users.findActiveById(session.userId);
    if (!user) {
      // Deactivated (or deleted) since the login: the session ends here, not just this request.
      await this.sessions.delete(session);
      return null;
    }
    return { via: 'session', user, session };
  }
}
