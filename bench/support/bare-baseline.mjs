// What the bare baselines share: the user body built from raw rows (snake_case columns), field for
// field the service's own body so both serialize the same bytes, and their JSON server.
import { createServer } from 'node:http';
export const NOTIFICATION_DEFAULTS = {
  plugin_disabled: true, discussions_mentioned: true, project_weekly_digest_disabled: {}, all_weekly_digest_disabled: false,
  error_tracking_issue_assigned: true, error_tracking_weekly_digest: true, data_pipeline_error_threshold: 0.01,
  project_api_key_exposed: true, materialized_view_sync_failed: false, web_analytics_weekly_digest: true,
  organization_member_join_email_disabled: {},
};

/**
 * @param {Record<string, any>} row a `users` row
 * @param {{ memberships: any[], current: any, currentTeams: any[], team: any, keyCount: number }} r
 *   memberships as `{ level, id, name, slug, created_at }` (organization columns), oldest first
 */
export function bareUserBody(row, { memberships, current, currentTeams, team, keyCount }) {
  return {
    id: row.id, uuid: row.uuid, distinct_id: row.distinct_id, date_joined: row.date_joined.toISOString(),
    first_name: row.first_name, last_name: row.last_name, email: row.email, pending_email: row.pending_email,
    is_email_verified: row.is_email_verified, notification_settings: { ...NOTIFICATION_DEFAULTS, ...row.partial_notification_settings },
    anonymize_data: row.anonymize_data, allow_impersonation: row.allow_impersonation, toolbar_mode: row.toolbar_mode,
    has_password: Boolean(row.password), is_staff: row.is_staff, sensitive_session_expires_at: null,
    team: team && { id: team.id, uuid: team.uuid, organization: team.organization_id, name: team.name, api_token: team.api_token, timezone: team.timezone },
    organization: current && {
      id: current.id, name: current.name, slug: current.slug, created_at: current.created_at.toISOString(), membership_level: current.level,
      teams: currentTeams.map((t) => ({ id: t.id, name: t.name })),
    },
    organizations: memberships.map((m) => ({ id: m.id, name: m.name, slug: m.slug, membership_level: m.level })),
    events_column_config: row.events_column_config, is_2fa_enabled: false, has_seen_product_intro_for: row.has_seen_product_intro_for,
    theme_mode: row.theme_mode, hedgehog_config: row.hedgehog_config, allow_sidebar_suggestions: row.allow_sidebar_suggestions,
    shortcut_position: row.shortcut_position ?? 'above', role_at_organization: row.role_at_organization,
    passkeys_enabled_for_2fa: row.passkeys_enabled_for_2fa, hide_mcp_hints: row.hide_mcp_hints,
    requires_credential_review: !row.credentials_reviewed_at && keyCount > 0,
  };
}

/** Serves `handler(req) → [status, body]` as JSON on 127.0.0.1:`port`, as the bare baselines do. */
export function serveJson(handler, port, name) {
  createServer((req, res) => {
    handler(req).then(
      ([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      },
      (error) => {
        console.error(error);
        res.writeHead(500).end();
      },
    );
  }).listen(port, '127.0.0.1', () => console.log(`${name} listening on ${port}`));
}
