// The bare baseline for GET /api/users/@me with a personal API key: node:http + pg, no framework,
// the same queries the service runs (key + user, memberships + organizations, the current
// organization's teams, the current team, the key count), serialized to the same body.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { bareUserBody, serveJson } from '../support/bare-baseline.mjs';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const port = Number(process.env.PORT ?? 18002);

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
  return [200, bareUserBody(row, { memberships, current, currentTeams: teams, team, keyCount: keys })];
}

serveJson(me, port, 'baseline');
