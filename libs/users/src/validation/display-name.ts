import { validationError } from '#libs/core';
import { readString } from './field-values.js';

export const DISPLAY_NAME_MAX = 150;

// C0/C1 controls and the Unicode line/paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
// Zero-width characters, soft hyphen, word joiners, BOM, and bidi embeddings/overrides/isolates.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/u;
const BRACKET = /[<>]/;
// A scheme (`http://`, `javascript:`), `www.`, or a bare domain such as `evil.example` / `phish.co.uk`.
const URL_LIKE = [
  /\b[a-z][a-z0-9+.-]*:\/\//i,
  /\b(?:javascript|data|vbscript|mailto):/i,
  /\bwww\./i,
  /(?:^|[^\p{L}\p{N}_-])[\p{L}\p{N}-]{2,63}(?:\.[\p{L}\p{N}-]{1,63})*\.\p{L}{2,63}(?![\p{L}\p{N}_-])/u,
];

/**
 * A first or last name as shown to other people (in invitations, emails): trimmed, at most 150
 * characters, and free of anything that could smuggle markup, links or spoofed text into them.
 */
export function validateDisplayName(value: unknown, attr: string): string {
  const trimmed = readString(value, attr).trim();
  if (trimmed.length > DISPLAY_NAME_MAX) {
    throw validationError('max_length', `Ensure this field has no more than ${DISPLAY_NAME_MAX} characters.`, attr);
  }
  if (CONTROL.test(trimmed)) {
    throw validationError('invalid_control_char', 'Line breaks and control characters are not allowed in this field.', attr);
  }
  if (INVISIBLE.test(trimmed)) {
    throw validationError('invalid_invisible_char', 'Invisible or direction-override characters are not allowed in this field.', attr);
  }
  if (BRACKET.test(trimmed)) throw validationError('invalid_bracket', 'Angle brackets are not allowed in this field.', attr);
  // Compatibility forms (fullwidth letters and dots) must not slip a domain past the check.
  const normalized = trimmed.normalize('NFKC');
  if (URL_LIKE.some((re) => re.test(normalized))) throw validationError('invalid_url', 'URLs are not allowed in this field.', attr);
  return trimmed;
}
