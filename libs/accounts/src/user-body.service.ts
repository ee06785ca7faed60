import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysService, freshReauthExpiresAt, PasskeysService, sensitiveSessionExpiresAt, TwoFactorService, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { OrganizationsService, type MembershipWithOrganization, type Team } from '#libs/organizations';
import { effectiveNotificationSettings, type User } from '#libs/users';
import type { OrganizationBody, TeamBody, UserBody } from './user-body.js';

/**
 * Builds the user body (the OpenAPI document's `User`). It only reads: a user whose current
 * organization or team is unset (or no longer theirs) is shown the first of their memberships and
 * its first team. A page of users costs the same few queries as one user: memberships, teams and key counts are
 * loaded for the whole page at once.
 */
@Injectable()
export class UserBodyService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organizations: OrganizationsService,
    private readonly apiKeys: ApiKeysService,
    private readonly passkeys: PasskeysService,
    private readonly twoFactor: TwoFactorService,
  ) {}

  async present(user: User, auth: AuthContext): Promise<UserBody> {
    const [body] = await this.presentMany([user], auth);
    return body!;
  }

  async presentMany(users: User[], auth: AuthContext): Promise<UserBody[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const unreviewed = users.filter((u) => !u.credentialsReviewedAt).map((u) => u.id);
    const [memberships, keyCounts, passkeyCounts, withTotp] = await Promise.all([
      this.organizations.membershipsOfUsers(ids),
      this.apiKeys.countForUsers(unreviewed),
      this.passkeys.countsForUsers(ids),
      this.twoFactor.usersWithTotp(ids),
    ]);
    // The teams of every organization the users belong to cover both `organization.teams` and an
    // unset current team; current teams are added by id in case one sits outside those organizations.
    const teams = await this.organizations.teamsOfOrganizationsOrIds(
      [...new Set(memberships.map((m) => m.organizationId))],
      users.map((u) => u.currentTeamId).filter((id): id is number => id !== null),
    );
    const teamsById = new Map(teams.map((t) => [t.id, t]));
    const teamsByOrganization = groupBy(teams, (t) => t.organizationId);
    const membershipsByUser = groupBy(memberships, (m) => m.userId);

    const expiresAt = sensitiveSessionExpiresAt(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S)?.toISOString() ?? null;
    const freshUntil = freshReauthExpiresAt(auth, this.config.SESSION_FRESH_REAUTH_AGE_S)?.toISOString() ?? null;
    return users.map((user) => {
      const own = membershipsByUser.get(user.id) ?? [];
      // Unset: the first membership and its first team, as shown (they are saved when a membership is added).
      const organizationId = user.currentOrganizationId ?? own[0]?.organizationId ?? null;
      const teamId = user.currentTeamId ?? (organizationId === null ? null : (teamsByOrganization.get(organizationId)?.[0]?.id ?? null));
      const current = own.find((m) => m.organizationId === organizationId) ?? null;
      const currentTeams = current ? (teamsByOrganization.get(current.organizationId) ?? []) : [];
      const team = teamId === null ? null : (teamsById.get(teamId) ?? null);
      return presentUser(user, {
        // Only the caller's own window is meaningful; a staff member reading someone else sees null.
        expiresAt: auth.user.id === user.id ? expiresAt : null,
        freshUntil: auth.user.id === user.id ? freshUntil : null,
        memberships: own,
        current,
        currentTeams,
        team,
        keyCount: keyCounts.get(user.id) ?? 0,
        passkeys: passkeyCounts.get(user.id) ?? { total: 0, verified: 0 },
        totp: withTotp.has(user.id),
      });
    });
  }
}

interface Related {
  expiresAt: string | null;
  freshUntil: string | null;
  memberships: MembershipWithOrganization[];
  current: MembershipWithOrganization | null;
  currentTeams: Team[];
  team: Team | null;
  keyCount: number;
  /** Every passkey (credential review) and the verified ones (2FA). */
  passkeys: { total: number; verified: number };
  totp: boolean;
}

function presentUser(user: User, related: Related): UserBody {
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
    sensitive_session_expires_at: related.expiresAt,
    fresh_reauth_expires_at: related.freshUntil,
    has_social_auth: false,
    team: related.team ? teamBody(related.team) : null,
    organization: related.current ? organizationBody(related.current, related.currentTeams) : null,
    organizations: related.memberships.map((m) => ({
      id: m.organization.id,
      name: m.organization.name,
      slug: m.organization.slug,
      membership_level: m.level,
    })),
    events_column_config: user.eventsColumnConfig,
    // TOTP, or passkey 2FA, effective only with the flag and a verified passkey (docs/api.md "Passkeys").
    is_2fa_enabled: related.totp || (Boolean(user.passkeysEnabledFor2fa) && related.passkeys.verified > 0),
    has_seen_product_intro_for: user.hasSeenProductIntroFor,
    theme_mode: user.themeMode,
    hedgehog_config: user.hedgehogConfig,
    allow_sidebar_suggestions: user.allowSidebarSuggestions,
    shortcut_position: user.shortcutPosition ?? 'above',
    role_at_organization: user.roleAtOrganization,
    passkeys_enabled_for_2fa: user.passkeysEnabledFor2fa,
    hide_mcp_hints: user.hideMcpHints,
    requires_credential_review: !user.credentialsReviewedAt && (related.keyCount > 0 || related.passkeys.total > 0),
  };
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
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
