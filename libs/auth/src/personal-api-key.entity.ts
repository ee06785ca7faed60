import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '#libs/users';

@Entity({ name: 'personal_api_keys' })
export class PersonalApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  @Column({ type: 'varchar', length: 40 })
  label!: string;

  /** `sha256$<hex>` of the whole key; the plaintext is never stored. */
  @Column({ name: 'secure_value', type: 'varchar', length: 100, unique: true })
  secureValue!: string;

  @Column({ name: 'mask_value', type: 'varchar', length: 11 })
  maskValue!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  /** Team ids the key is limited to; null or empty: unrestricted. */
  @Column({ name: 'scoped_teams', type: 'integer', array: true, nullable: true })
  scopedTeams!: number[] | null;

  /** Organization ids the key is limited to; null or empty: unrestricted. */
  @Column({ name: 'scoped_organizations', type: 'uuid', array: true, nullable: true })
  scopedOrganizations!: string[] | null;

  @Column({ name: 'last_rolled_at', type: 'timestamptz', nullable: true })
  lastRolledAt!: Date | null;
}
