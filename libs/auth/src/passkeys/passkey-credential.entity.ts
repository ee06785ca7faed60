import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '#libs/users';

/** A passkey (WebAuthn credential) of a user; only verified ones log in or count as 2FA. */
@Entity({ name: 'webauthn_credentials' })
export class PasskeyCredential {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  /** The authenticator's raw credential id (base64url in JSON). */
  @Column({ name: 'credential_id', type: 'bytea' })
  credentialId!: Buffer;

  @Column({ type: 'varchar', length: 200, default: 'Passkey' })
  label!: string;

  /** COSE-encoded public key, as the authenticator sent it. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  /** COSE algorithm id (-7 ES256, -8 EdDSA, -36 ES512). */
  @Column({ type: 'integer' })
  algorithm!: number;

  /** Stored, never enforced (docs/api.md "Passkeys"): synced passkeys report counters out of order. */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  counter!: number;

  @Column({ type: 'text', array: true })
  transports!: string[];

  @Column({ type: 'boolean', default: false })
  verified!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
