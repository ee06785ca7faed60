import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ToolbarMode = 'disabled' | 'toolbar';
export type ThemeMode = 'light' | 'dark' | 'system';
export type ShortcutPosition = 'above' | 'below' | 'hidden';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'uuid', unique: true, insert: false, update: false })
  uuid!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'pending_email', type: 'varchar', length: 254, nullable: true })
  pendingEmail!: string | null;

  @Column({ name: 'is_email_verified', type: 'boolean', nullable: true })
  isEmailVerified!: boolean | null;

  /** argon2id hash; never serialized. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  password!: string | null;

  @Column({ name: 'first_name', type: 'varchar', length: 150, default: '' })
  firstName!: string;

  @Column({ name: 'last_name', type: 'varchar', length: 150, default: '' })
  lastName!: string;

  @Column({ name: 'is_staff', type: 'boolean', default: false })
  isStaff!: boolean;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ name: 'date_joined', type: 'timestamptz', insert: false, update: false })
  dateJoined!: Date;

  @Column({ name: 'distinct_id', type: 'varchar', length: 200 })
  distinctId!: string;

  @Column({ name: 'current_organization_id', type: 'uuid', nullable: true })
  currentOrganizationId!: string | null;

  @Column({ name: 'current_team_id', type: 'integer', nullable: true })
  currentTeamId!: number | null;

  @Column({ name: 'partial_notification_settings', type: 'jsonb', nullable: true })
  partialNotificationSettings!: Record<string, unknown> | null;

  @Column({ name: 'anonymize_data', type: 'boolean', nullable: true, default: false })
  anonymizeData!: boolean | null;

  @Column({ name: 'allow_impersonation', type: 'boolean', nullable: true, default: true })
  allowImpersonation!: boolean | null;

  @Column({ name: 'toolbar_mode', type: 'varchar', length: 20, nullable: true, default: 'toolbar' })
  toolbarMode!: ToolbarMode | null;

  @Column({ name: 'events_column_config', type: 'jsonb', default: { active: 'DEFAULT' } })
  eventsColumnConfig!: Record<string, unknown>;

  @Column({ name: 'has_seen_product_intro_for', type: 'jsonb', nullable: true })
  hasSeenProductIntroFor!: Record<string, unknown> | null;

  @Column({ name: 'theme_mode', type: 'varchar', length: 20, nullable: true })
  themeMode!: ThemeMode | null;

  @Column({ name: 'hedgehog_config', type: 'jsonb', nullable: true })
  hedgehogConfig!: Record<string, unknown> | null;

  @Column({ name: 'allow_sidebar_suggestions', type: 'boolean', nullable: true })
  allowSidebarSuggestions!: boolean | null;

  @Column({ name: 'shortcut_position', type: 'varchar', length: 20, nullable: true })
  shortcutPosition!: ShortcutPosition | null;

  @Column({ name: 'role_at_organization', type: 'varchar', length: 64, nullable: true })
  roleAtOrganization!: string | null;

  @Column({ name: 'passkeys_enabled_for_2fa', type: 'boolean', nullable: true, default: false })
  passkeysEnabledFor2fa!: boolean | null;

  @Column({ name: 'hide_mcp_hints', type: 'boolean', default: false })
  hideMcpHints!: boolean;

  /** Password reset tokens are bound to it (libs/mail); null when no reset is pending. */
  @Column({ name: 'requested_password_reset_at', type: 'timestamptz', nullable: true })
  requestedPasswordResetAt!: Date | null;

  @Column({ name: 'credentials_reviewed_at', type: 'timestamptz', nullable: true })
  credentialsReviewedAt!: Date | null;
}
