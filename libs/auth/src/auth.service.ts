import { Injectable } from '@nestjs/common';
import { DomainError } from '#libs/core';
import { UsersService, verifyPassword, type User } from '#libs/users';
import type { ApiKeySource, AuthContext } from './auth-context.js';
import { ApiKeysService } from './api-keys.service.js';
import { SessionsService, type Session } from './sessions.service.js';
import { ThrottlesService } from './throttles.service.js';

const invalidCredentials = () =>
  new DomainError('authentication_failed', 'authentication_failed', 'Invalid email or password.');

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
  ) {}

  /** Checks email and password (throttled per email and per IP) and opens a session. */
  async login(email: unknown, password: unknown, ip: string): Promise<{ user: User; session: Session }> {
    if (typeof email !== 'string' || !email.trim()) throw new DomainError('validation', 'required', 'This field is required.', 'email');
    if (typeof password !== 'string' || !password) throw new DomainError('validation', 'required', 'This field is required.', 'password');
    const normalized = email.trim().toLowerCase();
    await this.throttles.consume('loginPerIp', ip);
    await this.throttles.consume('loginPerEmail', normalized);
    const user = await this.users.findByEmail(normalized);
    // Verify even when the user is unknown? No hash to verify against; the message stays the same.
    if (!user || !user.isActive || !(await verifyPassword(user.password, password))) throw invalidCredentials();
    return { user, session: await this.sessions.create(user.id) };
  }

  async reauthenticate(auth: AuthContext, password: unknown): Promise<void> {
    if (auth.via !== 'session') return;
    if (typeof password !== 'string' || !password) throw new DomainError('validation', 'required', 'This field is required.', 'password');
    // A stolen session must not become an oracle for the password: same budget as §1.5.
    await this.throttles.consume('passwordPerUser', String(auth.user.id));
    if (!(await verifyPassword(auth.user.password, password))) {
      throw new DomainError('authentication_failed', 'authentication_failed', 'Invalid password.');
    }
    await this.sessions.markReauthenticated(auth.session);
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
    if (!user) return null;
    return { via: 'session', user, session };
  }
}
