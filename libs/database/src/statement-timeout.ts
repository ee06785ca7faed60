import pg from 'pg';

/** `statement_timeout=<ms>` as PostgreSQL stores a role's setting in `pg_db_role_setting.setconfig`. */
const entry = (ms: number) => `statement_timeout=${ms}`;

/**
 * Makes `ms` the statement timeout of every new connection of this role to this database
 * (`ALTER ROLE CURRENT_USER IN DATABASE … SET statement_timeout`), when it is not already.
 *
 * Why a role setting: a startup parameter is refused by PgBouncer at its default settings, and a
 * session `SET` does not follow a client from one server connection to the next in transaction
 * pooling. A role setting is applied by PostgreSQL itself to every connection it opens, pooled or
 * not (docs/operations.md, PostgreSQL topologies). Any role may set its own defaults.
 */
export async function applyStatementTimeout(url: string, ms: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      const { rows } = await client.query<{ config: string[] | null; database: string }>(
        `SELECT (SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
                  WHERE s.setrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND d.datname = current_database()) AS config,
                current_database() AS database`,
      );
      const [row] = rows;
      if (row?.config?.includes(entry(ms))) return;
      try {
        await client.query(`ALTER ROLE CURRENT_USER IN DATABASE ${pg.escapeIdentifier(row!.database)} SET statement_timeout = ${Math.trunc(ms)}`);
        return;
      } catch (error) {
        // Processes starting together race on the same catalog row ("tuple concurrently updated"):
        // read again; the other process may have written the same value.
        if (attempt >= 3) throw error;
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
