import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '#libs/auth';
import { PasswordResetService } from '#libs/mail';
import { errorBodySchema, openApiSchema } from '../http/openapi-schema.js';

// Presence and content are checked by the use case, in the documented order (throttle, then the
// address; the token before the password), so the fields are optional here.
const resetRequestBody = z.object({ email: z.string().optional().describe("The account's e-mail address.") });
const resetTokenQuery = z.object({ token: z.string().optional() });
const resetCompleteBody = z.object({ token: z.string().optional(), password: z.string().optional().describe('The new password.') });
const resetCompleteAnswer = z.object({ success: z.literal(true), email: z.string() });
const errorBody = openApiSchema(errorBodySchema);

/** Password reset by e-mailed link (docs/api.md, Password reset): public, no CSRF, JSON only. */
@ApiTags('password reset')
@Controller('reset')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Post()
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: 'E-mail a reset link to the account with this address (204 whether or not it exists).' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 400, description: '`email_not_available` when e-mail is not configured; a missing or invalid address.', schema: errorBody })
  @ApiResponse({ status: 429, description: '6 requests a day per address.', schema: errorBody })
  async request(@Body({ schema: resetRequestBody }) body: z.output<typeof resetRequestBody>): Promise<void> {
    await this.resets.request(body.email);
  }

  @Get(':uuid')
  @Public()
  @ApiOperation({ summary: 'Check a reset link: 200 with an empty body when the token is valid.' })
  @ApiOkResponse()
  @ApiResponse({ status: 400, description: '`invalid_token` for an invalid, used or expired token, or an unknown user.', schema: errorBody })
  async check(@Param('uuid') uuid: string, @Query({ schema: resetTokenQuery }) query: z.output<typeof resetTokenQuery>): Promise<void> {
    await this.resets.check(uuid, query.token);
  }

  @Post(':uuid')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Set a new password with a reset token; ends every session of the user (the caller is not logged in).' })
  @ApiOkResponse({ schema: openApiSchema(resetCompleteAnswer) })
  @ApiResponse({ status: 400, description: '`invalid_token`, or the password fails the password rules (`attr: "password"`).', schema: errorBody })
  async complete(@Param('uuid') uuid: string, @Body({ schema: resetCompleteBody }) body: z.output<typeof resetCompleteBody>): Promise<z.infer<typeof resetCompleteAnswer>> {
    const { token, password } = body;
    const user = await this.resets.complete(uuid, token, password);
    return { success: true, email: user.email };
  }
}
