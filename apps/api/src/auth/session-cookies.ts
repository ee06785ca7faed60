import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE, type Session, type SessionsService } from '#libs/auth';

/**
 * The `csrftoken` cookie (and with `withSessionId` the `sessionid` cookie) for the session's
 * remaining life: Expires as well as Max-Age (in seconds here), as Django sends them.
 */
export function setSessionCookies(sessions: SessionsService, req: FastifyRequest, res: FastifyReply, session: Session, withSessionId: boolean): void {
  const maxAge = sessions.remainingS(session);
  const cookie = { sameSite: 'lax' as const, secure: req.protocol === 'https', path: '/', maxAge, expires: new Date(Date.now() + maxAge * 1000) };
  if (withSessionId) res.setCookie(SESSION_COOKIE, session.id, { ...cookie, httpOnly: true });
  res.setCookie(CSRF_COOKIE, session.csrfToken, { ...cookie, httpOnly: false });
}
