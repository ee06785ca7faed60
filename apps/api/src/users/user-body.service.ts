import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysService, sensitiveSessionExpiresAt, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { OrganizationsService, type MembershipWithOrganization, type Team } from '#libs/organizations';
import { effectiveNotificationSettings, UsersService, type User } from '#libs/users';
import type { OrganizationBody, TeamBody, UserBody } from './user-body.js';

/** Builds the user body of SPEC §2.2, backfilling the current organization and team on the way. */
@Injectable()
export class UserBodyService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async present(user: User, auth: AuthContext): Promise<UserBody> {
    const memberships = await this.organizations.membershipsOf(user.id);
    await this.backfillCurrent(user, memberships);
    const current = memberships.find((m) => m.organizationId === user.currentOrganizationId) ?? null;
    const [teams, team, keyCount] = await Promise.all([
      current ? this.organizations.teamsOf(current.organizationId) : Promise.resolve([]),
      user.currentTeamId !== null ? this.organizations.findTeam(user.currentTeamId) : Promise.resolve(null),
      user.credentialsReviewedAt ? Promise.resolve(0) : this.apiKeys.countForUser(user.id),
    ]);
    // Only the caller's own window is meaningful; a staff member reading someone else sees null.
    const expiresAt = auth.user.id === user.id ? sensitiveSessionExpiresAt(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S) : null;
    return {
      id: user.id,
      uuid: user.uuid,
      distinct_id: user.distinctId,
      date_joined: user.dateJoined.toISOString(),
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      pending_email: user.pendingEmail,
      is_email_verified: user.isEmailVerified,
      notification_settings: effectiveNotificationSettings(user.partialNotificationSettings),
      anonymize_data: user.anonymizeData,
      allow_impersonation: user.allowImpersonation,
      toolbar_mode: user.toolbarMode,
      has_password: Boolean(user.password),
      is_staff: user.isStaff,
      sensitive_session_expires_at: expiresAt?.toISOString() ?? null,
      team: team ? teamBody(team) : null,
      organization: current ? organizationBody(current, teams) : null,
      organizations: memberships.map((m) => ({
        id: m.organization.id,
        name: m.organization.name,
        slug: m.organization.slug,
        membership_level: m.level,
      })),
      events_column_config: user.eventsColumnConfig,
      is_2fa_enabled: false,
      has_seen_product_intro_for: user.hasSeenProductIntroFor,
      theme_mode: user.themeMode,
      hedgehog_config: user.hedgehogConfig,
      allow_sidebar_suggestions: user.allowSidebarSuggestions,
      shortcut_position: user.shortcutPosition ?? 'above',
      role_at_organization: user.roleAtOrganization,
      passkeys_enabled_for_2fa: user.passkeysEnabledFor2fa,
      hide_mcp_hints: user.hideMcpHints,
      requires_credential_review: !user.credentialsReviewedAt && keyCount > 0,
    };
  }

  /** A user with memberships but no current organization (or team) gets the first one, saved. */
  private async backfillCurrent(user: User, memberships: MembershipWithOrganization[]): Promise<void> {
    const changes: Partial<User> = {};
    let organizationId = user.currentOrganizationId;
    if (organizationId === null && memberships.length > 0) {
      organizationId = memberships[0]!.organizationId;
      changes.currentOrganizationId = organizationId;
    }
    if (user.currentTeamId === null && organizationId !== null) {
      const [first] = await this.organizations.teamsOf(organizationId);
      if (first) changes.currentTeamId = first.id;
    }
    if (Object.keys(changes).length > 0) await this.users.update(user, changes);
  }
}

export function teamBody(team: Team): TeamBody {
  return {
    id: team.id,
    uuid: team.uuid,
    organization: team.organizationId,
    name: team.name,
    api_token: team.apiToken,
    timezone: team.timezone,
  };
}

function organizationBody(membership: MembershipWithOrganization, teams: Team[]): OrganizationBody {
  const { organization } = membership;
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    created_at: organization.createdAt.toISOString(),
    membership_level: membership.level,
    teams: teams.map((t) => ({ id: t.id, name: t.name })),
  };
}
