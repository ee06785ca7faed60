import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The personal API key lifecycle (docs/api.md): keys can be rolled (`last_rolled_at`) and scoped to
 * organizations and teams. Rows created before keep `NULL` scoping, which means "unrestricted".
 */
export class PersonalApiKeyLifecycle1765400000000 implements MigrationInterface {
  name = 'PersonalApiKeyLifecycle1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE personal_api_keys
        ADD COLUMN scoped_teams integer[],
        ADD COLUMN scoped_organizations uuid[],
        ADD COLUMN last_rolled_at timestamptz
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE personal_api_keys DROP COLUMN scoped_teams, DROP COLUMN scoped_organizations, DROP COLUMN last_rolled_at`);
  }
}
