import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AUTONOMY_COLUMNS, type AutonomyChanges } from './autonomy-changes.js';
import { autonomyNotFound } from './autonomy-errors.js';
import type { AutonomyPriority } from './autonomy-priority.js';
import { SignalAutonomyConfig } from './signal-autonomy-config.entity.js';

interface ConfigRow {
  id: string;
  user_id: number;
  autostart_priority: AutonomyPriority | null;
  slack_notification_channel: string | null;
  slack_notification_min_priority: AutonomyPriority | null;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class SignalAutonomyService {
  constructor(@InjectRepository(SignalAutonomyConfig) private readonly configs: Repository<SignalAutonomyConfig>) {}

  /** The user's saved config; 404 when there is none. */
  async get(userId: number): Promise<SignalAutonomyConfig> {
    const config = await this.configs.findOneBy({ userId });
    if (!config) throw autonomyNotFound();
    return config;
  }

  /**
   * Creates the user's config or updates it, writing only the fields present in `changes`.
   * One statement, so concurrent calls for the same user meet at the unique `user_id` and never
   * create a second row, and one caller's fields never overwrite another's.
   */
  async save(userId: number, changes: AutonomyChanges): Promise<SignalAutonomyConfig> {
    const columns: string[] = [];
    const values: unknown[] = [userId];
    for (const [field, column] of Object.entries(AUTONOMY_COLUMNS) as [keyof AutonomyChanges, string][]) {
      if (!Object.hasOwn(changes, field)) continue;
      let value = changes[field] ?? null;
      // An empty channel means "no channel" (PostHog stores `"" or None`).
      if (field === 'slackNotificationChannel' && value === '') value = null;
      columns.push(column);
      values.push(value);
    }
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    const updates = [...columns.map((c) => `${c} = EXCLUDED.${c}`), 'updated_at = now()'].join(', ');
    const rows: ConfigRow[] = await this.configs.query(
      `INSERT INTO signal_autonomy_configs (user_id${columns.map((c) => `, ${c}`).join('')})
       VALUES (${placeholders})
       ON CONFLICT (user_id) DO UPDATE SET ${updates}
       RETURNING *`,
      values,
    );
    return fromRow(rows[0]!);
  }

  /** Removes the user's config; nothing to remove is fine. */
  async remove(userId: number): Promise<void> {
    await this.configs.delete({ userId });
  }
}

function fromRow(row: ConfigRow): SignalAutonomyConfig {
  return Object.assign(new SignalAutonomyConfig(), {
    id: row.id,
    userId: row.user_id,
    autostartPriority: row.autostart_priority,
    slackNotificationChannel: row.slack_notification_channel,
    slackNotificationMinPriority: row.slack_notification_min_priority,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
