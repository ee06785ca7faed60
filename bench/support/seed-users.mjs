// The users benchmarks' data: 100 organizations with a team each and N users spread over them,
// plus a staff key (user 1) and a plain key (user 2).
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

const ORGANIZATIONS = 100;

/** Makes an API key row the way ApiKeysService does (sha256 of the whole value). */
async function insertKey(db, userId) {
  const value = `phx_${randomBytes(32).toString('base64url').replace(/[-_]/g, 'x').slice(0, 43)}`;
  const hash = `sha256$${createHash('sha256').update(value).digest('hex')}`;
  await db.query(
    `INSERT INTO personal_api_keys (user_id, label, secure_value, mask_value, scopes) VALUES ($1, 'bench', $2, $3, '{*}')`,
    [userId, hash, `${value.slice(0, 4)}...${value.slice(-4)}`],
  );
  return value;
}

/** 100 organizations with a team each; 10,000 users, each a member of one and pointing at it. */
export async function seedUsers(databaseUrl, users) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`INSERT INTO organizations (name, slug) SELECT 'Org ' || g, 'org-' || g FROM generate_series(1, $1) g`, [ORGANIZATIONS]);
  await db.query(`INSERT INTO teams (organization_id, name, api_token) SELECT id, 'Default project', 'phc_' || md5(id::text) FROM organizations`);
  await db.query(
    `INSERT INTO users (email, first_name, distinct_id, is_staff) SELECT 'user' || g || '@example.com', 'User ' || g, md5(g::text), g = 1
     FROM generate_series(1, $1) g`,
    [users],
  );
  await db.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organizations)
     INSERT INTO organization_memberships (organization_id, user_id, level)
     SELECT o.id, u.id, 1 FROM users u JOIN o ON o.n = (u.id % $1) + 1`,
    [ORGANIZATIONS],
  );
  await db.query(
    `UPDATE users u SET current_organization_id = m.organization_id, current_team_id = t.id
     FROM organization_memberships m JOIN teams t ON t.organization_id = m.organization_id WHERE m.user_id = u.id`,
  );
  const staffKey = await insertKey(db, 1);
  const userKey = await insertKey(db, 2);
  await db.end();
  return { staffKey, userKey };
}
