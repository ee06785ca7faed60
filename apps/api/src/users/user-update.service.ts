import { Inject, Injectable } from '@nestjs/common';
import { assertRecentlyAuthenticated, SessionsService, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { permissionDenied } from '#libs/core';
import { AccountNotifier, hashPassword, UsersService, type User } from '#libs/users';
import { bodyObject } from '../http/validation.pipe.js';
import { touchesSensitiveField } from './user-update-body.js';
import { UserUpdateValidator } from './user-update.validator.js';

const IDENTITY_VIA_KEY = 'You can only change your email or password from the app, not with an API key or token.';

/** `PATCH /api/users/<uuid>/` in this order: identity guard, re-auth, validation, writes. */
@Injectable()
export class UserUpdateService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly validator: UserUpdateValidator,
    private readonly notifier: AccountNotifier,
  ) {}

  async update(auth: AuthContext, target: User, rawBody: unknown): Promise<User> {
    const body = bodyObject(rawBody);
    // Before validation, so that validation errors cannot reveal which emails exist.
    if (auth.via === 'api_key' && (changesEmail(target, body) || Object.hasOwn(body, 'password'))) {
      throw permissionDenied(IDENTITY_VIA_KEY);
    }
    if (touchesSensitiveField(body)) assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
    const { changes, newPassword, notificationSettings } = await this.validator.validate(auth, target, body);
    if (newPassword !== null) changes.password = await hashPassword(newPassword);
    const enablesPasskey2fa = changes.passkeysEnabledFor2fa === true && !target.passkeysEnabledFor2fa;
    const updated = await this.users.applyUpdate(target, changes, notificationSettings);
    if (newPassword !== null || enablesPasskey2fa) {
      // A new password or a new second factor: the session that made the change stays, every other
      // session of the user ends (a session opened without the second factor must not outlive it).
      const keep = auth.via === 'session' && auth.user.id === target.id ? auth.session.id : null;
      await this.sessions.revokeOthers(target.id, keep);
    }
    // Each change its own notice: a password change is not a new second factor.
    if (newPassword !== null) await this.notifier.notify(target.id, 'password_changed');
    if (enablesPasskey2fa) await this.notifier.notify(target.id, 'two_factor_enabled');
    return updated;
  }
}

/** `email` is present and not the stored address up to case (a non-string counts as a change). */
function changesEmail(target: User, body: Record<string, unknown>): boolean {
  if (!Object.hasOwn(body, 'email')) return false;
  const value = body.email;
  return typeof value !== 'string' || value.trim().toLowerCase() !== target.email.toLowerCase();
}
