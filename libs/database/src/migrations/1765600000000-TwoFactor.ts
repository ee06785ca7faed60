import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TOTP two-factor authentication (docs/api.md, Two-factor authentication): at most one TOTP device
 * per user, its secret sealed at rest, and the backup codes as SHA-256 hashes only.
 */
export class TwoFactor1765600000000 implements MigrationInterface {
  name = 'TwoFactor1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE totp_devices (
        id serial PRIMARY KEY,
        user_id integer NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        secret text NOT NULL,
        last_step bigint NOT NULL,
        drift smallint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE backup_codes (
        id serial PRIMARY KEY,
        user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash char(64) NOT NULL,
        UNIQUE (user_id, code_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE backup_codes');
    await q.query('DROP TABLE totp_devices');
  }
}
