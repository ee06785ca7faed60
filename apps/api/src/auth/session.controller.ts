import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AuthService,
  CurrentAuth,
  loginBodySchema,
  Public,
  reauthBodySchema,
  SESSION_COOKIE,
  SessionOnly,
  SessionsService,
  type AuthContext,
  type LoginBody,
  type Session,
} from '#libs/auth';
import { UserBodyService, userBodySchema, type UserBody } from '#libs/accounts';
import { EmailVerificationService } from '#libs/mail';
import { openApiSchema } from '../http/openapi-schema.js';
import { setSessionCookies } from './session-cookies.js';

const csrfBody = z.object({ csrftoken: z.string() });

/** Browser sessions: log in, log out, re-authenticate for sensitive actions. */
@ApiTags('session')
@Controller()
export class SessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly bodies: UserBodyService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Log in with email and password; sets the `sessionid` and `csrftoken` cookies.' })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  async login(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply, @Body({ schema: loginBodySchema }) body: LoginBody): Promise<UserBody> {
    // An unverified account gets a fresh code instead of a session (docs/api.md, E-mail verification).
    const { user, session } = await this.auth.login(body, req.ip, (u) => this.verification.admitLogin(u));
    this.setCookies(req, res, session, true);
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
  @ApiNoContentResponse()
  async reauth(
    @CurrentAuth() auth: AuthContext,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body({ schema: reauthBodySchema }) { password }: { password: string },
  ): Promise<void> {
    const session = await this.auth.reauthenticate(auth, password);
    if (session) this.setCookies(req, res, session, false);
  }

  @Get('csrf')
  @SessionOnly()
  @ApiOperation({
    summary: "The session's CSRF token, for a frontend on another origin of the same site (it cannot read the API's `csrftoken` cookie).",
  })
  @ApiOkResponse({ schema: openApiSchema(csrfBody) })
  csrf(@CurrentAuth() auth: AuthContext): z.infer<typeof csrfBody> {
    return { csrftoken: auth.via === 'session' ? auth.session.csrfToken : '' };
  }

  private setCookies(req: FastifyRequest, res: FastifyReply, session: Session, withSessionId: boolean): void {
    setSessionCookies(req, res, session, this.sessions.remainingS(session), withSessionId);
  }
}
