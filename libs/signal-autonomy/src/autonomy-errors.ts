import { notFound, permissionDenied } from '#libs/core';
import type { TargetRules } from '#libs/users';

export const OTHER_USERS_FORBIDDEN_DETAIL = "Only staff can access other users' autonomy config.";

/** A non-staff caller addressed anyone but `@me` (even themselves by id or uuid). */
export const otherUsersForbidden = () => permissionDenied(OTHER_USERS_FORBIDDEN_DETAIL);

/** No such active user, a malformed id, or no saved config. */
export const autonomyNotFound = () => notFound();

/** `/api/users/<id>/signal_autonomy/`: staff may name a user by integer id or uuid. */
export const AUTONOMY_TARGET: TargetRules = { byId: true, forbidden: otherUsersForbidden, notFound: autonomyNotFound };
