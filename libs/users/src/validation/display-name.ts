import { z } from 'zod';
import { fail } from '#libs/core';

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
export const displayName = z
  .string()
  .trim()
  .max(DISPLAY_NAME_MAX)
  .superRefine((name, ctx) => {
    if (CONTROL.test(name)) return fail(ctx, 'invalid_control_char', 'Line breaks and control characters are not allowed in this field.');
    if (INVISIBLE.test(name)) {
      return fail(ctx, 'invalid_invisible_char', 'Invisible or direction-override characters are not allowed in this field.');
    }
    if (BRACKET.test(name)) return fail(ctx, 'invalid_bracket', 'Angle brackets are not allowed in this field.');
    // Compatibility forms (fullwidth letters and dots) must not slip a domain past the check.
    const normalized = name.normalize('NFKC');
    if (URL_LIKE.some((re) => re.test(normalized))) fail(ctx, 'invalid_url', 'URLs are not allowed in this field.');
  });
