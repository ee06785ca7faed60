import { Injectable } from '@nestjs/common';
import { PasskeysService, type AuthContext } from '#libs/auth';
import { permissionDenied, validationError } from '#libs/core';
import { OrganizationsService } from '#libs/organizations';
import {
  assertStrongPassword,
  describeValue,
  normalizeEmailAddress,
  readBoolean,
  readChoice,
  readJsonObject,
  readString,
  ROLES_AT_ORGANIZATION,
  SHORTCUT_POSITIONS,
  THEME_MODES,
  TOOLBAR_MODES,
  UsersService,
  validateDisplayName,
  validateNotificationSettings,
  verifyPassword,
  type User,
} from '#libs/users';

const MAX_INT4 = 2_147_483_647;

/** What a valid update will write: column changes, and the new password (hashed later). */
export interface UpdatePlan {
  changes: Partial<User>;
  newPassword: string | null;
  /** A validated partial `notification_settings` update, merged atomically on write. */
  notificationSettings: Record<string, unknown> | null;
}

const doesNotExist = (value: unknown, attr: string) =>
  validationError('does_not_exist', `Object with id=${describeValue(value)} does not exist.`, attr);

/**
 * The field rules of a user PATCH (docs/api.md). It only reads: every rule is checked before anything is
 * written, so a refused request changes nothing. The first failing rule is the error.
 */
@Injectable()
export class UserUpdateValidator {
  constructor(
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly passkeys: PasskeysService,
  ) {}

  async validate(auth: AuthContext, target: User, body: Record<string, unknown>): Promise<UpdatePlan> {
    const has = (field: string) => Object.hasOwn(body, field);
    const changes: Partial<User> = {};
    let notificationSettings: Record<string, unknown> | null = null;
    // A PermissionDenied in PostHog escapes field validation at once, before any 400.
    if (has('is_staff')) {
      if (!auth.user.isStaff) throw permissionDenied('You are not a staff user, contact your instance admin.');
      changes.isStaff = readBoolean(body.is_staff, 'is_staff', false)!;
    }
    if (has('first_name')) changes.firstName = validateDisplayName(body.first_name, 'first_name');
    if (has('last_name')) changes.lastName = validateDisplayName(body.last_name, 'last_name');
    if (has('email')) await this.email(target, body.email, changes);
    if (has('notification_settings')) {
      // Merged by the database at write time (UsersService.mergeNotificationSettings), never here.
      notificationSettings = validateNotificationSettings(body.notification_settings);
    }
    if (has('anonymize_data')) changes.anonymizeData = readBoolean(body.anonymize_data, 'anonymize_data', true);
    if (has('allow_impersonation')) changes.allowImpersonation = readBoolean(body.allow_impersonation, 'allow_impersonation', true);
    if (has('toolbar_mode')) changes.toolbarMode = readChoice(body.toolbar_mode, 'toolbar_mode', TOOLBAR_MODES, true);
    if (has('set_current_organization') || has('set_current_team')) await this.currentSelection(target, body, changes);
    if (has('events_column_config')) {
      changes.eventsColumnConfig = readJsonObject(body.events_column_config, 'events_column_config', false)!;
    }
    if (has('has_seen_product_intro_for')) {
      changes.hasSeenProductIntroFor = readJsonObject(body.has_seen_product_intro_for, 'has_seen_product_intro_for', true);
    }
    if (has('theme_mode')) changes.themeMode = readChoice(body.theme_mode, 'theme_mode', THEME_MODES, true);
    if (has('hedgehog_config')) changes.hedgehogConfig = readJsonObject(body.hedgehog_config, 'hedgehog_config', true);
    if (has('allow_sidebar_suggestions')) {
      changes.allowSidebarSuggestions = readBoolean(body.allow_sidebar_suggestions, 'allow_sidebar_suggestions', true);
    }
    if (has('shortcut_position')) {
      changes.shortcutPosition = readChoice(body.shortcut_position, 'shortcut_position', SHORTCUT_POSITIONS, true);
    }
    if (has('role_at_organization')) {
      changes.roleAtOrganization = readChoice(body.role_at_organization, 'role_at_organization', ROLES_AT_ORGANIZATION, false);
    }
    if (has('passkeys_enabled_for_2fa')) {
      const enabled = readBoolean(body.passkeys_enabled_for_2fa, 'passkeys_enabled_for_2fa', true);
      // Only a verified passkey can be the second factor; `false` is always accepted.
      if (enabled && (await this.passkeys.countVerified(target.id)) === 0) {
        throw validationError('no_passkeys', 'You must have at least one passkey set up before enabling passkeys for 2FA.', 'passkeys_enabled_for_2fa');
      }
      changes.passkeysEnabledFor2fa = enabled;
    }
    if (has('hide_mcp_hints')) changes.hideMcpHints = readBoolean(body.hide_mcp_hints, 'hide_mcp_hints', false)!;
    // Last: verifying the current password is the one expensive check.
    const newPassword = has('password') ? await this.password(target, body, changes) : null;
    return { changes, newPassword, notificationSettings };
  }

  /** A case-only change is no change; a new address must not belong to anyone else. */
  private async email(target: User, value: unknown, changes: Partial<User>): Promise<void> {
    const email = normalizeEmailAddress(value);
    if (email === target.email.toLowerCase()) return;
    if (await this.users.isEmailTaken(email, target.id)) {
      throw validationError('unique', 'There is already an account with this email address.', 'email');
    }
    changes.email = email;
  }

  /**
   * `set_current_organization` must be one of the user's organizations and `set_current_team` a
   * team of one of them; setting one moves the other along.
   */
  private async currentSelection(target: User, body: Record<string, unknown>, changes: Partial<User>): Promise<void> {
    const memberships = await this.organizations.membershipsOf(target.id);
    const isMember = (organizationId: string) => memberships.some((m) => m.organizationId === organizationId);
    let organizationId: string | null = null;
    if (Object.hasOwn(body, 'set_current_organization')) {
      const value = body.set_current_organization;
      organizationId = typeof value === 'string' ? value.trim().toLowerCase() : null;
      if (organizationId === null || !isMember(organizationId)) throw doesNotExist(value, 'set_current_organization');
      changes.currentOrganizationId = organizationId;
    }
    if (Object.hasOwn(body, 'set_current_team')) {
      const value = body.set_current_team;
      const teamId = parseTeamId(value);
      const team = teamId === null ? null : await this.organizations.findTeam(teamId);
      if (!team || !isMember(team.organizationId)) throw doesNotExist(value, 'set_current_team');
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

  /** A user with a password must confirm it; the new one must be strong. Returns the new password. */
  private async password(target: User, body: Record<string, unknown>, changes: Partial<User>): Promise<string> {
    const password = readString(body.password, 'password');
    if (!password) throw validationError('blank', 'This field may not be blank.', 'password');
    if (target.password) {
      const current = body.current_password;
      if (typeof current !== 'string' || !current) {
        throw validationError('required', 'This field is required when updating your password.', 'current_password');
      }
      if (!(await verifyPassword(target.password, current))) {
        throw validationError('incorrect_password', 'Your current password is incorrect.', 'current_password');
      }
    }
    assertStrongPassword(password, {
      email: changes.email ?? target.email,
      firstName: changes.firstName ?? target.firstName,
      lastName: changes.lastName ?? target.lastName,
    });
    return password;
  }
}

/** A team id: a positive integer (or its decimal string) that fits PostgreSQL's integer. */
function parseTeamId(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_INT4 ? n : null;
}
