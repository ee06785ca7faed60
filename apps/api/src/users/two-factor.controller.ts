import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TwoFactorSettingsService } from '#libs/accounts';
import { assertFreshlyAuthenticated, CurrentAuth, RecentAuthRequired, SessionOnly, type AuthContext, type Session } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { ME, USERS_ROUTES } from '#libs/users';
import { errorBodySchema, openApiSchema } from '../http/openapi-schema.js';

const errorBody = openApiSchema(errorBodySchema);
const success = z.object({ success: z.literal(true) });
const setupBody = z.object({ success: z.literal(true), secret: z.string(), otpauth_url: z.string() });
// Presence and form are checked after the pending setup (setup_expired comes first; docs/api.md).
const validateBody = z.object({
  token: z.unknown().optional().meta({ type: 'string', description: 'The 6-digit code of the new secret (a string or an integer).' }),
});
const statusBody = z.object({
  is_enabled: z.boolean(),
  backup_codes_remaining: z.number().int(),
  method: z.enum(['TOTP', 'passkey']).nullable(),
  has_passkeys: z.boolean(),
  has_totp: z.boolean(),
  passkeys_enabled_for_2fa: z.boolean(),
});
const backupCodesBody = z.object({ backup_codes: z.array(z.string()) });

/** 2FA is self-service: only `@me`, whoever asks (staff included; docs/api.md). */
function ownSession(auth: AuthContext, uuid: string): Session {
  if (uuid !== ME) throw USERS_ROUTES.forbidden();
  if (auth.via !== 'session') throw new Error('2FA routes are session only');
  return auth.session;
}

/** TOTP two-factor authentication and backup codes of the caller (browser sessions only). */
@ApiTags('two-factor')
@Controller('users/:uuid')
export class TwoFactorController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: TwoFactorSettingsService,
  ) {}

  @Get(['two_factor_start_setup', 'start_2fa_setup'])
  @SessionOnly()
  @ApiOperation({ summary: 'Start TOTP setup: a new secret, pending in this session for 10 minutes (`start_2fa_setup` is a deprecated alias).' })
  @ApiOkResponse({ schema: openApiSchema(setupBody) })
  startSetup(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<z.infer<typeof setupBody>> {
    return this.settings.startSetup(auth.user, ownSession(auth, uuid));
  }

  @Post(['two_factor_validate', 'validate_2fa'])
  @HttpCode(200)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: "Enable TOTP with a code of the pending secret; ends the user's other sessions (`validate_2fa` is a deprecated alias)." })
  @ApiOkResponse({ schema: openApiSchema(success) })
  @ApiResponse({ status: 400, description: '`setup_expired`, `required`, `token_invalid` or `2fa_already_enabled`.', schema: errorBody })
  validate(
    @CurrentAuth() auth: AuthContext,
    @Param('uuid') uuid: string,
    @Body({ schema: validateBody }) body: z.output<typeof validateBody>,
  ): Promise<z.infer<typeof success>> {
    return this.settings.validate(auth.user, ownSession(auth, uuid), body.token);
  }

  @Get('two_factor_status')
  @SessionOnly()
  @ApiOperation({ summary: "The caller's 2FA state; codes are never shown here." })
  @ApiOkResponse({ schema: openApiSchema(statusBody) })
  status(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<z.infer<typeof statusBody>> {
    ownSession(auth, uuid);
    return this.settings.status(auth.user);
  }

  @Post('two_factor_backup_codes')
  @HttpCode(200)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Replace the backup codes with 10 new single-use ones, shown only in this answer.' })
  @ApiOkResponse({ schema: openApiSchema(backupCodesBody) })
  @ApiResponse({ status: 400, description: '`2fa_not_enabled` without TOTP.', schema: errorBody })
  backupCodes(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<z.infer<typeof backupCodesBody>> {
    ownSession(auth, uuid);
    return this.settings.regenerateBackupCodes(auth.user);
  }

  @Post('two_factor_disable')
  @HttpCode(200)
  @SessionOnly()
  @ApiOperation({ summary: 'Remove TOTP and the backup codes (needs a fresh re-auth); passkeys stay.' })
  @ApiOkResponse({ schema: openApiSchema(success) })
  @ApiResponse({ status: 403, description: '`sensitive_action_required_reauth` without a fresh re-auth.', schema: errorBody })
  disable(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<z.infer<typeof success>> {
    ownSession(auth, uuid);
    assertFreshlyAuthenticated(auth, this.config);
    return this.settings.disable(auth.user);
  }
}
