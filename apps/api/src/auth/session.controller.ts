import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
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
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<UserBody> {
    const { email, password } = bodyObject(body);
    const { user, session } = await this.auth.login(email, password, req.ip ?? 'unknown');
    const cookie = { sameSite: 'lax' as const, secure: req.secure, path: '/', maxAge: this.config.SESSION_TTL_S * 1000 };
    res.cookie(SESSION_COOKIE, session.id, { ...cookie, httpOnly: true });
    res.cookie(CSRF_COOKIE, randomBytes(32).toString('base64url'), { ...cookie, httpOnly: false });
    return this.bodies.present(user, { via: 'session', user, session });
  }

  @Post('logout')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'End the current session.' })
  @ApiNoContentResponse()
  async logout(@CurrentAuth() auth: AuthContext, @Res({ passthrough: true }) res: Response): Promise<void> {
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
