/** Every notification setting with its default; the stored partial settings overlay these. */
export const NOTIFICATION_DEFAULTS = {
  plugin_disabled: true,
  discussions_mentioned: true,
  project_weekly_digest_disabled: {},
  all_weekly_digest_disabled: false,
  error_tracking_issue_assigned: true,
  error_tracking_weekly_digest: true,
  data_pipeline_error_threshold: 0.01,
  project_api_key_exposed: true,
  materialized_view_sync_failed: false,
  web_analytics_weekly_digest: true,
  organization_member_join_email_disabled: {},
} as const satisfies Record<string, unknown>;

export type NotificationSettings = Record<string, unknown>;

/** Defaults overlaid with what the user saved. */
export function effectiveNotificationSettings(partial: Record<string, unknown> | null): NotificationSettings {
  return { ...structuredClone(NOTIFICATION_DEFAULTS), ...partial };
}
