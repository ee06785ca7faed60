import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** A user's TOTP authenticator (at most one); the secret is sealed with SecretBox. */
@Entity({ name: 'totp_devices' })
export class TotpDevice {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'text' })
  secret!: string;

  /** The last time step a code was accepted for: codes of that step or earlier are replays. */
  @Column({ name: 'last_step', type: 'bigint', transformer: bigintAsNumber })
  lastStep!: number;

  /** Steps the authenticator's clock was off by at the last accepted code (-1, 0 or 1). */
  @Column({ type: 'smallint', default: 0 })
  drift!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
