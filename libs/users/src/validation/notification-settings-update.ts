import { validationError } from '#libs/core';
import { NOTIFICATION_DEFAULTS } from '../notification-settings.js';
import { describeValue, pythonType } from './field-values.js';

const ATTR = 'notification_settings';
/** Settings holding `{id: disabled}` maps, merged key by key rather than replaced. */
export const NOTIFICATION_MAP_KEYS: ReadonlySet<string> = new Set(['project_weekly_digest_disabled', 'organization_member_join_email_disabled']);
const THRESHOLD_KEY = 'data_pipeline_error_threshold';
const MAX_MAP_ENTRIES = 1000;
const MAX_ID_LENGTH = 200;

const invalid = (detail: string) => validationError('invalid_input', detail, ATTR);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a partial `notification_settings` update; every error has attr `notification_settings`. */
export function validateNotificationSettings(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(`Expected a dictionary of items but got type "${pythonType(value)}".`);
  for (const [key, setting] of Object.entries(value)) {
    if (!Object.hasOwn(NOTIFICATION_DEFAULTS, key)) throw invalid(`Key ${key} is not valid as a key for notification settings`);
    if (NOTIFICATION_MAP_KEYS.has(key)) validateIdMap(key, setting);
    else if (key === THRESHOLD_KEY) validateThreshold(setting);
    else if (typeof setting !== 'boolean') {
      throw invalid(`${describeValue(setting)} is not a valid type for notification settings, should be <class 'bool'>`);
    }
  }
  return value;
}

function validateIdMap(key: string, map: unknown): void {
  if (!isPlainObject(map)) throw invalid(`${key} must be a dictionary mapping IDs to boolean values`);
  const entries = Object.entries(map);
  if (entries.length > MAX_MAP_ENTRIES) throw invalid(`${key} may hold at most ${MAX_MAP_ENTRIES} entries`);
  for (const [id, flag] of entries) {
    if (!id || id.length > MAX_ID_LENGTH || id.includes('\u0000')) throw invalid(`${key} has an invalid ID`);
    if (typeof flag !== 'boolean') throw invalid(`Notification setting values must be boolean, got <class '${pythonType(flag)}'> instead`);
  }
}

function validateThreshold(value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${THRESHOLD_KEY} must be a number between 0.0 and 1.0`);
  if (value < 0 || value > 1) throw invalid(`${THRESHOLD_KEY} must be between 0.0 and 1.0, got ${value}`);
}
