import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AuthService, CSRF_COOKIE, CurrentAuth, Public, SESSION_COOKIE, SessionOnly, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { openApiSchema } from '../http/openapi-schema.js';
import { bodyObject } from '../http/parse-body.js';
import { userBodySchema, type UserBody } from '../users/user-body.js';
import { UserBodyService } from '../users/user-body.service.js';

const loginBody = z.object({ email: z.string(), password: z.string() });
const reauthBody = z.object({ password: z.string() });

/** Browser sessions: log in, log out, re-authenticate for sensitive actions. */
@ApiTags('session')
@Controller()
export class SessionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly bodies: UserBodyService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Log in with email and password; sets the `sessionid` and `csrftoken` cookies.' })
  @ApiBody({ schema: openApiSchema(loginBody) })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  async login(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply, @Body() body: unknown): Promise<UserBody> {
    const { email, password } = bodyObject(body);
    const { user, session } = await this.auth.login(email, password, req.ip);
    const ttl = this.config.SESSION_TTL_S;
    // Expires as well as Max-Age (in seconds here), as Django sends them.
    const cookie = { sameSite: 'lax' as const, secure: req.protocol === 'https', path: '/', maxAge: ttl, expires: new Date(Date.now() + ttl * 1000) };
    res.setCookie(SESSION_COOKIE, session.id, { ...cookie, httpOnly: true });
    res.setCookie(CSRF_COOKIE, randomBytes(32).toString('base64url'), { ...cookie, httpOnly: false });
    return this.bodies.present(user, { via: 'session', user, session });
  }

  @Post('logout')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'End the current session.' })
  @ApiNoContentResponse()
  async logout(@CurrentAuth() auth: AuthContext, @Res({ passthrough: true }) res: FastifyReply): Promise<void> {
    await this.auth.logout(auth);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Post('reauth')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'Confirm the password to reopen the sensitive-action window.' })
  @ApiBody({ schema: openApiSchema(reauthBody) })
  @ApiNoContentResponse()
  async reauth(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<void> {
    await this.auth.reauthenticate(auth, bodyObject(body).password);
  }
}
