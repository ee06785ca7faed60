import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-user signal autonomy settings. `user_id` is UNIQUE so that concurrent
 * create-or-update requests converge on one row through `INSERT ... ON CONFLICT (user_id)`.
 */
export class SignalAutonomy1764180000000 implements MigrationInterface {
  name = 'SignalAutonomy1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signal_autonomy_configs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id integer NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        autostart_priority varchar(2)
          CHECK (autostart_priority IN ('P0', 'P1', 'P2', 'P3', 'P4')),
        slack_notification_channel varchar(255),
        slack_notification_min_priority varchar(2)
          CHECK (slack_notification_min_priority IN ('P0', 'P1', 'P2', 'P3', 'P4')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signal_autonomy_configs`);
  }
}
