import type { AutonomyPriority } from './autonomy-priority.js';

/** A partial update: only the keys present are written; the others keep their stored values. */
export interface AutonomyChanges {
  autostartPriority?: AutonomyPriority | null;
  slackNotificationChannel?: string | null;
  slackNotificationMinPriority?: AutonomyPriority | null;
}

/** Each writable field and its column; the upsert names columns only from this fixed list. */
export const AUTONOMY_COLUMNS = {
  autostartPriority: 'autostart_priority',
  slackNotificationChannel: 'slack_notification_channel',
  slackNotificationMinPriority: 'slack_notification_min_priority',
} as const satisfies Record<keyof AutonomyChanges, string>;
