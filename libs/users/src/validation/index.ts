export { validateDisplayName, DISPLAY_NAME_MAX } from './display-name.js';
export { normalizeEmailAddress, EMAIL_MAX } from './email-address.js';
export { assertStorableJson, readJsonObject, JSON_FIELD_MAX_BYTES } from './json-object.js';
export { describeValue, readBoolean, readChoice, readString } from './field-values.js';
export { assertStrongPassword, PASSWORD_MIN_LENGTH, type PasswordOwner } from './password-strength.js';
export { NOTIFICATION_MAP_KEYS, validateNotificationSettings } from './notification-settings-update.js';
