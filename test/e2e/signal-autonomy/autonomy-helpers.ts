import type { TestApp } from '../../support/test-app.js';

export const autonomyUrl = (id: string | number) => `/api/users/${id}/signal_autonomy/`;
export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export const OTHER_USERS_FORBIDDEN = {
  type: 'authentication_error',
  code: 'permission_denied',
  detail: "Only staff can access other users' autonomy config.",
  attr: null,
};
export const NOT_FOUND = { type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null };
export const MISSING_WRITE_SCOPE = {
  type: 'authentication_error',
  code: 'permission_denied',
  detail: "API key missing required scope 'user:write'",
  attr: null,
};

export interface StoredConfig {
  id: string;
  autostart_priority: string | null;
  slack_notification_channel: string | null;
  slack_notification_min_priority: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Every stored config row of `userId`, read straight from PostgreSQL. */
export function storedConfigs(t: TestApp, userId: number): Promise<StoredConfig[]> {
  return t.dataSource.query(
    `SELECT id, autostart_priority, slack_notification_channel, slack_notification_min_priority, created_at, updated_at
       FROM signal_autonomy_configs WHERE user_id = $1`,
    [userId],
  );
}

export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
