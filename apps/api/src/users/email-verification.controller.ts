import { Body, Controller, HttpCode, Inject, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EmailVerificationLoginService, UserBodyService, userBodySchema, type UserBody } from '#libs/accounts';
import { CurrentAuth, Public, RecentAuthRequired, SessionOnly, SessionsService, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { EmailVerificationService } from '#libs/mail';
import { setPendingLoginCookie, setSessionCookies } from '../auth/session-cookies.js';
import { errorBodySchema, openApiSchema } from '../http/openapi-schema.js';

const errorBody = openApiSchema(errorBodySchema);
// Presence is checked after the throttles, as the contract orders it (docs/architecture.md).
const text = (description: string) => z.unknown().optional().meta({ type: 'string', description });
const verifyBody = z.object({ uuid: text("The user's uuid."), code: text('The 6-digit code from the e-mail.') });
const requestBody = z.object({ uuid: text("The user's uuid.") });
const verified = z.object({ success: z.literal(true), requires_2fa: z.literal(true).optional() });
const success = z.object({ success: z.literal(true) });

/** E-mail verification and the staged e-mail change (docs/api.md, E-mail verification). */
@ApiTags('users')
@Controller('users')
export class EmailVerificationController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logins: EmailVerificationLoginService,
    private readonly verification: EmailVerificationService,
    private readonly sessions: SessionsService,
    private readonly bodies: UserBodyService,
  ) {}

  @Post('verify_email')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Confirm an address with its code; logs the user in (or starts the 2FA step: `requires_2fa`).' })
  @ApiOkResponse({ schema: openApiSchema(verified) })
  @ApiResponse({ status: 400, description: '`required`, `invalid_input`, `invalid_code`, `too_many_attempts` or `email_taken`.', schema: errorBody })
  async verify(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body({ schema: verifyBody }) body: z.output<typeof verifyBody>,
  ): Promise<z.infer<typeof verified>> {
    const outcome = await this.logins.verify(body.uuid, body.code, req.ip, req.cookies ?? {});
    if (outcome.kind === 'second_factor') {
      setPendingLoginCookie(req, res, outcome.pendingId, this.config.TWO_FACTOR_LOGIN_TIMEOUT_S);
      return { success: true, requires_2fa: true };
    }
    setSessionCookies(req, res, outcome.session, this.sessions.remainingS(outcome.session), true);
    return { success: true };
  }

  @Post('request_email_verification')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Mail a new code to the pending address, else the account address; never says whether the account exists.' })
  @ApiOkResponse({ schema: openApiSchema(success) })
  @ApiResponse({ status: 400, description: '`required` or `email_not_available`.', schema: errorBody })
  @ApiResponse({ status: 429, description: '6 a day per uuid.', schema: errorBody })
  async request(@Req() req: FastifyRequest, @Body({ schema: requestBody }) body: z.output<typeof requestBody>): Promise<z.infer<typeof success>> {
    await this.verification.requestVerification(body.uuid, req.ip);
    return { success: true };
  }

  @Patch('cancel_email_change_request')
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Drop the staged e-mail change and its code.' })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  @ApiResponse({ status: 400, description: '`email_change_request_not_found`.', schema: errorBody })
  async cancel(@CurrentAuth() auth: AuthContext): Promise<UserBody> {
    return this.bodies.present(await this.verification.cancelEmailChange(auth.user), auth);
  }
}
