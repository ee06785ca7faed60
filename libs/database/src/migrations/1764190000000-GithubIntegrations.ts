import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal GitHub App installations linked to users. */
export class GithubIntegrations1764190000000 implements MigrationInterface {
  name = 'GithubIntegrations1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE github_integrations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        installation_id bigint NOT NULL,
        account jsonb NOT NULL,
        repository_selection varchar(16),
        github_user jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, installation_id)
      )`);
    // "Does anyone else reference this installation?" and the worker's status updates.
    await q.query(`CREATE INDEX github_integrations_installation_id_idx ON github_integrations (installation_id)`);
    await q.query(`CREATE INDEX github_integrations_user_created_idx ON github_integrations (user_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE github_integrations`);
  }
}
