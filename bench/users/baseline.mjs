// The bare baseline for GET /api/users/?limit=&offset= with a staff personal API key: node:http +
// pg, no framework, the same statements the service runs for a page (key + user, the page, the
// count when the page is full, the page's memberships with organizations, key counts of unreviewed
// users, the teams of their organizations and current teams), one JSON.stringify of the same body.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { bareUserBody, serveJson } from '../support/bare-baseline.mjs';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const port = Number(process.env.PORT ?? 18032);

function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function pageLink(url, limit, offset) {
  const link = new URL(url.toString());
  link.searchParams.set('limit', String(limit));
  link.searchParams.set('offset', String(offset));
  return link.toString();
}

async function list(req) {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return [401, { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null }];
  const hash = `sha256$${createHash('sha256').update(match[1]).digest('hex')}`;
  const { rows: [caller] } = await pool.query(
    'SELECT k.scopes, u.id, u.is_staff, u.is_active FROM personal_api_keys k JOIN users u ON u.id = k.user_id WHERE k.secure_value = $1',
    [hash],
  );
  if (!caller || !caller.is_active) return [401, { type: 'authentication_error', code: 'authentication_failed', detail: 'Personal API key found in request Authorization header is invalid.', attr: null }];
  const url = new URL(req.url, `http://${req.headers.host}`);
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const where = caller.is_staff ? 'is_active' : 'is_active AND id = $3';
  const params = caller.is_staff ? [limit, offset] : [limit, offset, caller.id];
  const { rows } = await pool.query(`SELECT * FROM users WHERE ${where} ORDER BY id LIMIT $1 OFFSET $2`, params);
  const count = rows.length < limit && (rows.length > 0 || offset === 0)
    ? offset + rows.length
    : Number((await pool.query(`SELECT count(*) AS count FROM users WHERE ${where.replace('$3', '$1')}`, params.slice(2))).rows[0].count);
  const ids = rows.map((r) => r.id);
  const unreviewed = rows.filter((r) => !r.credentials_reviewed_at).map((r) => r.id);
  const [{ rows: memberships }, { rows: keyCounts }] = await Promise.all([
    pool.query(
      `SELECT m.user_id, m.level, o.id, o.name, o.slug, o.created_at FROM organization_memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.user_id = ANY($1::int[]) ORDER BY m.joined_at, m.id`,
      [ids],
    ),
    pool.query('SELECT user_id, count(*) AS count FROM personal_api_keys WHERE user_id = ANY($1::int[]) GROUP BY user_id', [unreviewed]),
  ]);
  const { rows: teams } = await pool.query('SELECT * FROM teams WHERE organization_id = ANY($1::uuid[]) OR id = ANY($2::int[]) ORDER BY id', [
    [...new Set(memberships.map((m) => m.id))],
    rows.map((r) => r.current_team_id).filter((id) => id !== null),
  ]);
  const teamsById = new Map(teams.map((t) => [t.id, t]));
  const teamsByOrganization = groupBy(teams, (t) => t.organization_id);
  const membershipsByUser = groupBy(memberships, (m) => m.user_id);
  const keysByUser = new Map(keyCounts.map((k) => [Number(k.user_id), Number(k.count)]));
  const results = rows.map((row) => {
    const own = membershipsByUser.get(row.id) ?? [];
    const current = own.find((m) => m.id === row.current_organization_id) ?? null;
    return bareUserBody(row, {
      memberships: own,
      current,
      currentTeams: current ? (teamsByOrganization.get(current.id) ?? []) : [],
      team: row.current_team_id !== null ? (teamsById.get(row.current_team_id) ?? null) : null,
      keyCount: keysByUser.get(row.id) ?? 0,
    });
  });
  return [200, {
    count,
    next: offset + limit < count ? pageLink(url, limit, offset + limit) : null,
    previous: offset > 0 ? pageLink(url, limit, Math.max(0, offset - limit)) : null,
    results,
  }];
}

serveJson(list, port, 'users baseline');
