import { notFound, permissionDenied } from '#libs/core';

export const OTHER_USERS_FORBIDDEN_DETAIL = "Only staff can access other users' autonomy config.";

/** A non-staff caller addressed anyone but `@me` (even themselves by id or uuid). */
export const otherUsersForbidden = () => permissionDenied(OTHER_USERS_FORBIDDEN_DETAIL);

/** No such active user, a malformed id, or no saved config. */
export const autonomyNotFound = () => notFound();
