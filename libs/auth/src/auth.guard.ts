import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { DomainError, permissionDenied } from '#libs/core';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { Access, RecentAuthRequired, type AccessRule } from './access.decorator.js';
import type { AuthContext } from './auth-context.js';
import { AuthService, type PresentedApiKey } from './auth.service.js';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies.js';
import { assertRecentlyAuthenticated } from './reauth.js';
import { grants } from './scopes.js';
import { ThrottlesService } from './throttles.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

/**
 * The one guard of the API: reads the route's `@Access` rule, authenticates the caller by API key
 * or session, enforces CSRF for session writes, and checks the key's scope. A route without a rule
 * is refused.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly throttles: ThrottlesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride(Access, [context.getHandler(), context.getClass()]);
    if (rule?.kind === 'public') return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const auth = await this.authenticate(req);
    this.authorize(rule, auth, req);
    if (this.reflector.getAllAndOverride(RecentAuthRequired, [context.getHandler(), context.getClass()])) {
      assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
    }
    if (!SAFE_METHODS.has(req.method) && hasKey(req.body, 'current_password')) {
      await this.throttles.consume('passwordPerUser', String(auth.user.id));
    }
    req.auth = auth;
    return true;
  }

  private async authenticate(req: FastifyRequest): Promise<AuthContext> {
    const presented = findApiKey(req);
    if (presented) return this.auth.authenticateApiKey(presented);
    const sessionId = req.cookies?.[SESSION_COOKIE];
    const auth = typeof sessionId === 'string' ? await this.auth.authenticateSession(sessionId) : null;
    if (!auth) {
      throw new DomainError('not_authenticated', 'not_authenticated', 'Authentication credentials were not provided.');
    }
    return auth;
  }

  private authorize(rule: AccessRule | undefined, auth: AuthContext, req: FastifyRequest): void {
    if (auth.via === 'session') {
      if (!rule) throw permissionDenied('This action declares no access rule.');
      if (!SAFE_METHODS.has(req.method)) checkCsrf(req, auth.session.csrfToken);
      return;
    }
    if (!rule || rule.kind === 'public') throw permissionDenied('This action does not support personal API key access');
    if (rule.kind === 'session') {
      throw new DomainError('authentication_failed', 'authentication_failed', 'This action requires a browser session.');
    }
    if (rule.kind === 'session_or_own_key') return;
    if (!grants(auth.apiKey.scopes, rule.scope)) {
      throw permissionDenied(`API key missing required scope '${rule.scope}'`);
    }
  }
}

function findApiKey(req: FastifyRequest): PresentedApiKey | null {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return { value: match[1]!, source: 'Authorization header' };
  }
  const fromBody = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>).personal_api_key : undefined;
  if (typeof fromBody === 'string' && fromBody) return { value: fromBody, source: 'body' };
  const fromQuery = (req.query as Record<string, unknown> | undefined)?.personal_api_key;
  if (typeof fromQuery === 'string' && fromQuery) return { value: fromQuery, source: 'query string' };
  return null;
}

/**
 * The header must equal the token stored in the session (not merely the `csrftoken` cookie, which a
 * sibling subdomain could plant). Sessions stored before they carried a token get one when next
 * read (SessionsService.get), which the frontend fetches from `GET /api/csrf/`.
 */
function checkCsrf(req: FastifyRequest, sessionToken: string | undefined): void {
  const header = req.headers[CSRF_HEADER.toLowerCase()];
  if (typeof header !== 'string' || !header) throw permissionDenied('CSRF Failed: CSRF token missing.');
  const a = Buffer.from(sessionToken ?? '');
  const b = Buffer.from(header);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw permissionDenied('CSRF Failed: CSRF token incorrect.');
}

const hasKey = (body: unknown, key: string) =>
  body !== null && typeof body === 'object' && !Array.isArray(body) && Object.hasOwn(body, key);
