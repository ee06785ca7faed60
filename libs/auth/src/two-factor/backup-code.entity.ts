import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One single-use backup code of a user, kept as the SHA-256 hex of the code only. */
@Entity({ name: 'backup_codes' })
export class BackupCode {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'code_hash', type: 'char', length: 64 })
  codeHash!: string;
}
