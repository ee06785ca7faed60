// The bare baseline for GET /api/users/@me with a personal API key: node:http + pg, no framework,
// the same queries the service runs (key + user, memberships + organizations, the current
// organization's teams, the current team, the key count), serialized to the same body.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const port = Number(process.env.PORT ?? 18002);

const DEFAULTS = {
  plugin_disabled: true, discussions_mentioned: true, project_weekly_digest_disabled: {}, all_weekly_digest_disabled: false,
  error_tracking_issue_assigned: true, error_tracking_weekly_digest: true, data_pipeline_error_threshold: 0.01,
  project_api_key_exposed: true, materialized_view_sync_failed: false, web_analytics_weekly_digest: true,
  organization_member_join_email_disabled: {},
};

async function me(req) {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return [401, { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null }];
  const hash = `sha256$${createHash('sha256').update(match[1]).digest('hex')}`;
  const { rows: [row] } = await pool.query(
    `SELECT k.id AS key_id, k.scopes, k.last_used_at, u.* FROM personal_api_keys k JOIN users u ON u.id = k.user_id WHERE k.secure_value = $1`,
    [hash],
  );
  if (!row || !row.is_active) return [401, { type: 'authentication_error', code: 'authentication_failed', detail: 'Personal API key found in request Authorization header is invalid.', attr: null }];
  if (!row.scopes.some((s) => s === '*' || s === 'user:read' || s === 'user:write')) return [403, {}];
  const { rows: memberships } = await pool.query(
    `SELECT m.level, o.id, o.name, o.slug, o.created_at FROM organization_memberships m JOIN organizations o ON o.id = m.organization_id
     WHERE m.user_id = $1 ORDER BY m.joined_at, m.id`,
    [row.id],
  );
  const current = memberships.find((m) => m.id === row.current_organization_id) ?? null;
  const [teams, team, keys] = await Promise.all([
    current ? pool.query('SELECT id, name FROM teams WHERE organization_id = $1 ORDER BY id', [current.id]).then((r) => r.rows) : [],
    row.current_team_id !== null ? pool.query('SELECT * FROM teams WHERE id = $1', [row.current_team_id]).then((r) => r.rows[0] ?? null) : null,
    row.credentials_reviewed_at ? 0 : pool.query('SELECT count(*)::int AS n FROM personal_api_keys WHERE user_id = $1', [row.id]).then((r) => r.rows[0].n),
  ]);
  return [200, {
    id: row.id, uuid: row.uuid, distinct_id: row.distinct_id, date_joined: row.date_joined.toISOString(),
    first_name: row.first_name, last_name: row.last_name, email: row.email, pending_email: row.pending_email,
    is_email_verified: row.is_email_verified, notification_settings: { ...DEFAULTS, ...row.partial_notification_settings },
    anonymize_data: row.anonymize_data, allow_impersonation: row.allow_impersonation, toolbar_mode: row.toolbar_mode,
    has_password: Boolean(row.password), is_staff: row.is_staff, sensitive_session_expires_at: null,
    team: team && { id: team.id, uuid: team.uuid, organization: team.organization_id, name: team.name, api_token: team.api_token, timezone: team.timezone },
    organization: current && { id: current.id, name: current.name, slug: current.slug, created_at: current.created_at.toISOString(), membership_level: current.level, teams },
    organizations: memberships.map((m) => ({ id: m.id, name: m.name, slug: m.slug, membership_level: m.level })),
    events_column_config: row.events_column_config, is_2fa_enabled: false, has_seen_product_intro_for: row.has_seen_product_intro_for,
    theme_mode: row.theme_mode, hedgehog_config: row.hedgehog_config, allow_sidebar_suggestions: row.allow_sidebar_suggestions,
    shortcut_position: row.shortcut_position ?? 'above', role_at_organization: row.role_at_organization,
    passkeys_enabled_for_2fa: row.passkeys_enabled_for_2fa, hide_mcp_hints: row.hide_mcp_hints,
    requires_credential_review: !row.credentials_reviewed_at && keys > 0,
  }];
}

createServer((req, res) => {
  me(req).then(
    ([status, body]) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    },
    (error) => {
      console.error(error);
      res.writeHead(500).end();
    },
  );
}).listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`));
