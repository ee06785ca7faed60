import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AuthService,
  CurrentAuth,
  loginBodySchema,
  Public,
  reauthBodySchema,
  SecondFactorService,
  SESSION_COOKIE,
  SessionOnly,
  SessionsService,
  type AuthContext,
  type LoginBody,
  type Session,
} from '#libs/auth';
import { SecondFactorLoginService, UserBodyService, userBodySchema, type UserBody } from '#libs/accounts';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { DomainError } from '#libs/core';
import { EmailVerificationService } from '#libs/mail';
import { errorBodySchema, openApiSchema } from '../http/openapi-schema.js';
import { setPendingLoginCookie, setSessionCookies } from './session-cookies.js';

const csrfBody = z.object({ csrftoken: z.string() });
// Any form is read (a code as a string or an integer, a backup code); a bad one is `2fa_invalid`.
const loginTokenBody = z.object({
  token: z.unknown().optional().meta({ type: 'string', description: 'A TOTP code of the authenticator, or an unused backup code.' }),
  credential_id: z.unknown().optional().meta({ type: 'string', description: 'Instead of `token`: the passkey (base64url) that signed the passkey step.' }),
  response: z
    .unknown()
    .optional()
    .meta({ type: 'object', additionalProperties: true, description: 'With `credential_id`: authenticatorData, clientDataJSON, signature[, userHandle].' }),
});
const methodsBody = z.object({ has_totp: z.boolean(), has_passkeys: z.boolean() });
const errorBody = openApiSchema(errorBodySchema);

/** Browser sessions: log in, log out, re-authenticate for sensitive actions. */
@ApiTags('session')
@Controller()
export class SessionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly secondFactorLogins: SecondFactorLoginService,
    private readonly secondFactor: SecondFactorService,
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
    const outcome = await this.auth.login(body, req.ip, req.cookies ?? {}, (u) => this.verification.admitLogin(u));
    if (outcome.kind === 'second_factor') {
      setPendingLoginCookie(req, res, outcome.pendingId, this.config.TWO_FACTOR_LOGIN_TIMEOUT_S);
      throw new DomainError('authentication_failed', '2fa_required', '2FA is required.');
    }
    const { user, session } = outcome;
    this.setCookies(req, res, session, true);
    return this.bodies.present(user, { via: 'session', user, session });
  }

  @Post('login/token')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: "The second step of a password login: a TOTP or backup code for the pending login's `sessionid`." })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  @ApiResponse({ status: 400, description: '`2fa_expired`, `2fa_too_many_attempts` or `2fa_invalid`.', schema: errorBody })
  @ApiResponse({ status: 429, description: '6 attempts per 20 minutes per pending login.', schema: errorBody })
  async loginToken(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body({ schema: loginTokenBody }) body: z.output<typeof loginTokenBody>,
  ): Promise<UserBody> {
    const done = await this.secondFactorLogins.complete(req.cookies?.[SESSION_COOKIE], body, req.ip);
    this.setCookies(req, res, done.session, true);
    if (done.remember) {
      const { name, value, maxAgeS } = done.remember;
      res.setCookie(name, value, { httpOnly: true, sameSite: 'strict', secure: req.protocol === 'https', path: '/', maxAge: maxAgeS, expires: new Date(Date.now() + maxAgeS * 1000) });
    }
    return this.bodies.present(done.user, { via: 'session', user: done.user, session: done.session });
  }

  @Get('login/2fa/passkey/methods')
  @Public()
  @ApiOperation({ summary: 'The second factors the pending login (its `sessionid`) can use.' })
  @ApiOkResponse({ schema: openApiSchema(methodsBody) })
  @ApiResponse({ status: 400, description: '`no_pending_2fa`.', schema: errorBody })
  methods(@Req() req: FastifyRequest): Promise<z.infer<typeof methodsBody>> {
    return this.secondFactor.methods(req.cookies?.[SESSION_COOKIE]);
  }

  @Post('login/2fa/passkey/begin')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: "Start the passkey second step: request options naming the pending user's verified passkeys." })
  @ApiResponse({ status: 400, description: '`no_pending_2fa`, `no_passkeys` or `passkeys_not_enabled_for_2fa`.', schema: errorBody })
  beginPasskey(@Req() req: FastifyRequest): Promise<object> {
    return this.secondFactor.beginPasskey(req.cookies?.[SESSION_COOKIE]);
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
