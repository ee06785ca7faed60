export { normalizeEmailAddress, EMAIL_MAX } from './email-address.js';
export { assertStrongPassword } from './password-strength.js';
