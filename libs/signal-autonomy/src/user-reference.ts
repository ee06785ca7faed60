import { isUuid } from '#libs/core';

/** How `<id>` in `/api/users/<id>/signal_autonomy/` names a user. */
export type UserReference = { kind: 'me' } | { kind: 'id'; id: number } | { kind: 'uuid'; uuid: string };

export const ME = '@me';
/** users.id is a PostgreSQL integer; anything larger cannot exist (and must not reach SQL). */
const MAX_USER_ID = 2_147_483_647;

/** `@me`, a positive integer id or a uuid; anything else (`abc`, `-1`, `1.5`, ...) is null. */
export function parseUserReference(raw: string): UserReference | null {
  if (raw === ME) return { kind: 'me' };
  if (/^[0-9]{1,10}$/.test(raw)) {
    const id = Number(raw);
    return id >= 1 && id <= MAX_USER_ID ? { kind: 'id', id } : null;
  }
  if (isUuid(raw)) return { kind: 'uuid', uuid: raw };
  return null;
}
