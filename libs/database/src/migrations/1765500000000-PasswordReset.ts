import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the user last asked for a password reset link. Reset tokens are derived from it (never
 * stored), so a newer request, a completed reset (it is cleared) or any password change kills the
 * older links (docs/api.md, Password reset).
 */
export class PasswordReset1765500000000 implements MigrationInterface {
  name = 'PasswordReset1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN requested_password_reset_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN requested_password_reset_at`);
  }
}
