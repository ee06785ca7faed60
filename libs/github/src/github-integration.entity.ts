import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { User } from '#libs/users';

export type InstallationStatus = 'active' | 'suspended' | 'deleted';

export interface GithubAccount {
  type: 'User' | 'Organization' | string;
  login: string;
  id: number;
}

export interface GithubUserRef {
  login: string;
  id: number;
}

/** A GitHub App installation a user linked (SPEC §4.1). No GitHub token is stored. */
@Entity({ name: 'github_integrations' })
export class GithubIntegration {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  /** bigint: TypeORM hands it over as a string, which is also how the API shows it. */
  @Column({ name: 'installation_id', type: 'bigint' })
  installationId!: string;

  @Column({ type: 'jsonb' })
  account!: GithubAccount;

  @Column({ name: 'repository_selection', type: 'varchar', length: 16, nullable: true })
  repositorySelection!: string | null;

  @Column({ name: 'github_user', type: 'jsonb' })
  githubUser!: GithubUserRef;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: InstallationStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
