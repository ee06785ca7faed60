import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Passkeys (WebAuthn credentials, docs/api.md "Passkeys"). A credential is stored unverified at
 * registration and counts for login and 2FA only once verified. `counter` is kept but never
 * enforced: synced passkeys are cloned across devices and report counters that go backwards.
 */
export class PasskeyCredentials1765500000000 implements MigrationInterface {
  name = 'PasskeyCredentials1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webauthn_credentials (
        id serial PRIMARY KEY,
        user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        credential_id bytea NOT NULL,
        label varchar(200) NOT NULL DEFAULT 'Passkey',
        public_key bytea NOT NULL,
        algorithm integer NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        transports text[] NOT NULL DEFAULT '{}',
        verified boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webauthn_credentials_user_credential_unique UNIQUE (user_id, credential_id)
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webauthn_credentials`);
  }
}
