import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AutonomyPriority } from './autonomy-priority.js';

/** A user's signal autonomy settings; at most one row per user (`user_id` is unique). */
@Entity({ name: 'signal_autonomy_configs' })
export class SignalAutonomyConfig {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'integer', unique: true })
  userId!: number;

  /** null: fall back to the team's default. */
  @Column({ name: 'autostart_priority', type: 'varchar', length: 2, nullable: true })
  autostartPriority!: AutonomyPriority | null;

  @Column({ name: 'slack_notification_channel', type: 'varchar', length: 255, nullable: true })
  slackNotificationChannel!: string | null;

  /** null: notify on every priority. */
  @Column({ name: 'slack_notification_min_priority', type: 'varchar', length: 2, nullable: true })
  slackNotificationMinPriority!: AutonomyPriority | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
