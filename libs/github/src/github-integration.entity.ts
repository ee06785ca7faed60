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

/** A GitHub App installation a user linked (docs/api.md). User tokens are stored sealed, never shown. */
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

  /** SecretBox-sealed `ghu_…` user access token; null on rows linked before tokens were kept. */
  @Column({ name: 'user_access_token', type: 'text', nullable: true, select: false })
  userAccessToken!: string | null;

  /** SecretBox-sealed `ghr_…` refresh token. */
  @Column({ name: 'user_refresh_token', type: 'text', nullable: true, select: false })
  userRefreshToken!: string | null;

  @Column({ name: 'user_token_refreshed_at', type: 'timestamptz', nullable: true })
  userTokenRefreshedAt!: Date | null;

  @Column({ name: 'user_access_token_expires_at', type: 'timestamptz', nullable: true })
  userAccessTokenExpiresAt!: Date | null;

  @Column({ name: 'user_refresh_token_expires_at', type: 'timestamptz', nullable: true })
  userRefreshTokenExpiresAt!: Date | null;
}
