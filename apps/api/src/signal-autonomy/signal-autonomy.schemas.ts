import { z } from 'zod';
import { AUTONOMY_PRIORITIES, type SignalAutonomyConfig } from '#libs/signal-autonomy';
import type { User } from '#libs/users';

const priority = z.enum(AUTONOMY_PRIORITIES).nullable();

/** POST body: every key optional (a partial update); unknown keys are dropped. */
export const autonomyRequestSchema = z.object({
  autostart_priority: priority.optional().describe('P0 (highest) to P4; null uses the team default.'),
  slack_notification_channel: z.string().max(255).nullable().optional().describe('"" or null clears it.'),
  slack_notification_min_priority: priority.optional().describe('Lowest priority notified; null notifies all.'),
});
export type AutonomyRequest = z.infer<typeof autonomyRequestSchema>;

export const autonomyResponseSchema = z.object({
  id: z.uuid(),
  user: z.object({ id: z.number().int(), uuid: z.uuid(), first_name: z.string(), last_name: z.string(), email: z.string() }),
  autostart_priority: priority,
  slack_notification_channel: z.string().nullable(),
  slack_notification_min_priority: priority,
  created_at: z.string(),
  updated_at: z.string(),
});
export type AutonomyResponse = z.infer<typeof autonomyResponseSchema>;

export const presentAutonomy = (config: SignalAutonomyConfig, user: User): AutonomyResponse => ({
  id: config.id,
  user: { id: user.id, uuid: user.uuid, first_name: user.firstName, last_name: user.lastName, email: user.email },
  autostart_priority: config.autostartPriority,
  slack_notification_channel: config.slackNotificationChannel,
  slack_notification_min_priority: config.slackNotificationMinPriority,
  created_at: config.createdAt.toISOString(),
  updated_at: config.updatedAt.toISOString(),
});
