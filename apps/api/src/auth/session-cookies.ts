import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE, type Session } from '#libs/auth';

/**
 * The `csrftoken` cookie (and at login the `sessionid` cookie) for the session's remaining life:
 * Expires as well as Max-Age (in seconds here), as Django sends them. Every way of logging in
 * (password, passkey) sets them the same way.
 */
export function setSessionCookies(req: FastifyRequest, res: FastifyReply, session: Session, maxAgeS: number, withSessionId: boolean): void {
  const cookie = { sameSite: 'lax' as const, secure: req.protocol === 'https', path: '/', maxAge: maxAgeS, expires: new Date(Date.now() + maxAgeS * 1000) };
  if (withSessionId) res.setCookie(SESSION_COOKIE, session.id, { ...cookie, httpOnly: true });
  res.setCookie(CSRF_COOKIE, session.csrfToken, { ...cookie, httpOnly: false });
}

/**
 * The `sessionid` cookie of a login waiting for its second factor: it names the pending login only
 * and authenticates nothing (docs/api.md, Two-factor authentication). Set by a password login and by
 * `verify_email`.
 */
export function setPendingLoginCookie(req: FastifyRequest, res: FastifyReply, pendingId: string, maxAgeS: number): void {
  res.setCookie(SESSION_COOKIE, pendingId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    path: '/',
    maxAge: maxAgeS,
    expires: new Date(Date.now() + maxAgeS * 1000),
  });
}
