import { z } from 'zod';
import { fail } from '#libs/core';
import { NOTIFICATION_DEFAULTS } from '../notification-settings.js';
import { describeValue, pythonType } from './field-values.js';

/** Settings holding `{id: disabled}` maps, merged key by key rather than replaced. */
export const NOTIFICATION_MAP_KEYS: ReadonlySet<string> = new Set(['project_weekly_digest_disabled', 'organization_member_join_email_disabled']);
const THRESHOLD_KEY = 'data_pipeline_error_threshold';
const MAX_MAP_ENTRIES = 1000;
const MAX_ID_LENGTH = 200;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A partial `notification_settings` update, in PostHog's wording; passed through as sent. */
export const notificationSettingsUpdate = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = settingsProblem(value);
    if (problem) fail(ctx, 'invalid_input', problem);
  })
  .transform((value) => value as Record<string, unknown>)
  .meta({
    type: 'object',
    additionalProperties: true,
    description: 'A partial update, merged into the stored settings (id maps key by key).',
  });

function settingsProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return `Expected a dictionary of items but got type "${pythonType(value)}".`;
  for (const [key, setting] of Object.entries(value)) {
    if (!Object.hasOwn(NOTIFICATION_DEFAULTS, key)) return `Key ${key} is not valid as a key for notification settings`;
    const problem = NOTIFICATION_MAP_KEYS.has(key)
      ? idMapProblem(key, setting)
      : key === THRESHOLD_KEY
        ? thresholdProblem(setting)
        : typeof setting === 'boolean'
          ? null
          : `${describeValue(setting)} is not a valid type for notification settings, should be <class 'bool'>`;
    if (problem) return problem;
  }
  return null;
}

function idMapProblem(key: string, map: unknown): string | null {
  if (!isPlainObject(map)) return `${key} must be a dictionary mapping IDs to boolean values`;
  const entries = Object.entries(map);
  if (entries.length > MAX_MAP_ENTRIES) return `${key} may hold at most ${MAX_MAP_ENTRIES} entries`;
  for (const [id, flag] of entries) {
    if (!id || id.length > MAX_ID_LENGTH || id.includes('\u0000')) return `${key} has an invalid ID`;
    if (typeof flag !== 'boolean') return `Notification setting values must be boolean, got <class '${pythonType(flag)}'> instead`;
  }
  return null;
}

function thresholdProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${THRESHOLD_KEY} must be a number between 0.0 and 1.0`;
  if (value < 0 || value > 1) return `${THRESHOLD_KEY} must be between 0.0 and 1.0, got ${value}`;
  return null;
}
