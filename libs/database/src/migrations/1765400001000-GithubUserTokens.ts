import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The user-to-server tokens of a linked installation, kept (sealed with AES-256-GCM, never shown) so
 * `start` can tell whether anything is left to link, and refreshed at half-life (docs/api.md). Rows
 * linked before have none and are kept as they are.
 */
export class GithubUserTokens1765400001000 implements MigrationInterface {
  name = 'GithubUserTokens1765400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE github_integrations
        ADD COLUMN user_access_token text,
        ADD COLUMN user_refresh_token text,
        ADD COLUMN user_token_refreshed_at timestamptz,
        ADD COLUMN user_access_token_expires_at timestamptz,
        ADD COLUMN user_refresh_token_expires_at timestamptz
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE github_integrations
        DROP COLUMN user_access_token, DROP COLUMN user_refresh_token, DROP COLUMN user_token_refreshed_at,
        DROP COLUMN user_access_token_expires_at, DROP COLUMN user_refresh_token_expires_at
    `);
  }
}
