import { Inject, Injectable } from '@nestjs/common';
import { assertFreshlyAuthenticated, assertRecentlyAuthenticated, PasskeysService, SessionsService, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { bodyObject, parseOrThrow, permissionDenied, validationError } from '#libs/core';
import { EmailVerificationService } from '#libs/mail';
import { OrganizationsService } from '#libs/organizations';
import {
  AccountNotifier,
  assertStrongPassword,
  doesNotExistDetail,
  hashPassword,
  touchesSensitiveField,
  userUpdateBodySchema,
  UsersService,
  verifyPassword,
  type User,
  type UserUpdateBody,
} from '#libs/users';

const IDENTITY_VIA_KEY = 'You can only change your email or password from the app, not with an API key or token.';

/**
 * `PATCH /api/users/<uuid>/` in this order: the identity guard, re-auth and the staff rule (so that
 * no 400 can reveal anything to a caller who may not make the change), the body's schema, then the
 * rules that need the database, then the writes. A refused request changes nothing.
 */
@Injectable()
export class UserUpdateService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly passkeys: PasskeysService,
    private readonly sessions: SessionsService,
    private readonly notifier: AccountNotifier,
    private readonly verification: EmailVerificationService,
  ) {}

  async update(auth: AuthContext, target: User, rawBody: unknown): Promise<User> {
    const sent = bodyObject(rawBody);
    // Before validation, so that validation errors cannot reveal which emails exist.
    if (auth.via === 'api_key' && (changesEmail(target, sent) || Object.hasOwn(sent, 'password'))) {
      throw permissionDenied(IDENTITY_VIA_KEY);
    }
    if (changesEmail(target, sent)) {
      // An e-mail change needs a fresh re-auth (which also checks the window), before any 400.
      assertFreshlyAuthenticated(auth, this.config, "Confirm it's you before changing your email.");
    } else if (touchesSensitiveField(sent)) {
      assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
    }
    // A PermissionDenied in PostHog escapes field validation at once, before any 400.
    if (Object.hasOwn(sent, 'is_staff') && !auth.user.isStaff) {
      throw permissionDenied('You are not a staff user, contact your instance admin.');
    }
    const body = parseOrThrow(userUpdateBodySchema, sent);
    const changes = columnChanges(body);
    if (body.email !== undefined) await this.email(target, body.email, changes);
    if (body.set_current_organization !== undefined || body.set_current_team !== undefined) {
      await this.currentSelection(target, body, sent, changes);
    }
    if (body.passkeys_enabled_for_2fa && (await this.passkeys.countVerified(target.id)) === 0) {
      // Only a verified passkey can be the second factor; `false` is always accepted.
      throw validationError('no_passkeys', 'You must have at least one passkey set up before enabling passkeys for 2FA.', 'passkeys_enabled_for_2fa');
    }
    // Last: verifying the current password is the one expensive check.
    if (body.password !== undefined) {
      await this.checkPassword(target, body, changes);
      changes.password = await hashPassword(body.password);
    }
    const enablesPasskey2fa = changes.passkeysEnabledFor2fa === true && !target.passkeysEnabledFor2fa;
    // With e-mail, a new address waits in pending_email until its code comes back (verify_email).
    const staged = changes.email !== undefined && this.verification.available ? changes.email : null;
    if (staged !== null) delete changes.email;
    // notification_settings is merged by the database at write time, never here.
    let updated = await this.users.applyUpdate(target, changes, body.notification_settings ?? null);
    if (staged !== null) updated = await this.verification.stageEmailChange(updated, staged);
    if (body.password !== undefined || enablesPasskey2fa) {
      // A new password or a new second factor: the session that made the change stays, every other
      // session of the user ends (a session opened without the second factor must not outlive it).
      const keep = auth.via === 'session' && auth.user.id === target.id ? auth.session.id : null;
      await this.sessions.revokeOthers(target.id, keep);
    }
    // Each change its own notice: a password change is not a new second factor.
    if (body.password !== undefined) await this.notifier.notify(target.id, 'password_changed');
    if (enablesPasskey2fa) await this.notifier.notify(target.id, 'two_factor_enabled');
    return updated;
  }

  /** A case-only change is no change; a new address must not belong to anyone else. */
  private async email(target: User, email: string, changes: Partial<User>): Promise<void> {
    if (email === target.email.toLowerCase()) return;
    if (await this.users.isEmailTaken(email, target.id)) {
      throw validationError('unique', 'There is already an account with this email address.', 'email');
    }
    changes.email = email;
  }

  /**
   * `set_current_organization` must be one of the user's organizations and `set_current_team` a
   * team of one of them; setting one moves the other along. Errors quote the value as sent.
   */
  private async currentSelection(target: User, body: UserUpdateBody, sent: Record<string, unknown>, changes: Partial<User>): Promise<void> {
    const memberships = await this.organizations.membershipsOf(target.id);
    const isMember = (organizationId: string) => memberships.some((m) => m.organizationId === organizationId);
    const organizationId = body.set_current_organization ?? null;
    if (organizationId !== null) {
      if (!isMember(organizationId)) {
        throw validationError('does_not_exist', doesNotExistDetail(sent.set_current_organization), 'set_current_organization');
      }
      changes.currentOrganizationId = organizationId;
    }
    if (body.set_current_team !== undefined) {
      const team = await this.organizations.findTeam(body.set_current_team);
      if (!team || !isMember(team.organizationId)) {
        throw validationError('does_not_exist', doesNotExistDetail(sent.set_current_team), 'set_current_team');
      }
      if (organizationId !== null && team.organizationId !== organizationId) {
        throw validationError('invalid_input', 'Team must belong to the same organization in set_current_organization.', 'set_current_team');
      }
      changes.currentTeamId = team.id;
      changes.currentOrganizationId = team.organizationId;
    } else if (organizationId !== null) {
      const [first] = await this.organizations.teamsOf(organizationId);
      changes.currentTeamId = first?.id ?? null;
    }
  }

  /** A user with a password must confirm it; the new one must not be weak or like the account. */
  private async checkPassword(target: User, body: UserUpdateBody, changes: Partial<User>): Promise<void> {
    if (target.password) {
      const current = body.current_password;
      if (!current) throw validationError('required', 'This field is required when updating your password.', 'current_password');
      if (!(await verifyPassword(target.password, current))) {
        throw validationError('incorrect_password', 'Your current password is incorrect.', 'current_password');
      }
    }
    assertStrongPassword(body.password!, {
      email: changes.email ?? target.email,
      firstName: changes.firstName ?? target.firstName,
      lastName: changes.lastName ?? target.lastName,
    });
  }
}

/** The columns a valid body sets directly, named as the entity names them. */
function columnChanges(body: UserUpdateBody): Partial<User> {
  const changes: Partial<User> = {};
  const set = <K extends keyof User>(column: K, value: User[K] | undefined) => {
    if (value !== undefined) changes[column] = value;
  };
  set('isStaff', body.is_staff);
  set('firstName', body.first_name);
  set('lastName', body.last_name);
  set('anonymizeData', body.anonymize_data);
  set('allowImpersonation', body.allow_impersonation);
  set('toolbarMode', body.toolbar_mode);
  set('eventsColumnConfig', body.events_column_config);
  set('hasSeenProductIntroFor', body.has_seen_product_intro_for);
  set('themeMode', body.theme_mode);
  set('hedgehogConfig', body.hedgehog_config);
  set('allowSidebarSuggestions', body.allow_sidebar_suggestions);
  set('shortcutPosition', body.shortcut_position);
  set('roleAtOrganization', body.role_at_organization);
  set('passkeysEnabledFor2fa', body.passkeys_enabled_for_2fa);
  set('hideMcpHints', body.hide_mcp_hints);
  return changes;
}

/** `email` is present and not the stored address up to case (a non-string counts as a change). */
function changesEmail(target: User, body: Record<string, unknown>): boolean {
  if (!Object.hasOwn(body, 'email')) return false;
  const value = body.email;
  return typeof value !== 'string' || value.trim().toLowerCase() !== target.email.toLowerCase();
}
