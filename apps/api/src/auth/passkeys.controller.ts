import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  assertFreshlyAuthenticated,
  CurrentAuth,
  DEFAULT_PASSKEY_LABEL,
  MAX_PASSKEY_LABEL,
  PasskeysService,
  Public,
  RecentAuthRequired,
  SessionOnly,
  SessionsService,
  WEBAUTHN_TIMEOUT_MS,
  type AuthContext,
  type PasskeyCredential,
} from '#libs/auth';
import { UserBodyService, userBodySchema, type UserBody } from '#libs/accounts';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { openApiSchema } from '../http/openapi-schema.js';
import { setSessionCookies } from './session-cookies.js';

/** The cookie that ties a discoverable-login challenge to the browser that asked for it. */
const LOGIN_CHALLENGE_COOKIE = 'webauthn_login';

const credentialBody = z.object({
  id: z.number().int(),
  label: z.string(),
  created_at: z.string(),
  transports: z.array(z.string()),
  verified: z.boolean(),
  authenticator_type: z.enum(['platform', 'hybrid', 'hardware', 'unknown']),
});
type CredentialBody = z.infer<typeof credentialBody>;

const requestOptionsBody = z.object({
  challenge: z.string(),
  timeout: z.number().int(),
  rpId: z.string(),
  allowCredentials: z.array(z.object({ id: z.string(), type: z.literal('public-key'), transports: z.array(z.string()).optional() })),
  userVerification: z.literal('required'),
});

const creationOptionsBody = z.object({
  rp: z.object({ id: z.string(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
  challenge: z.string(),
  pubKeyCredParams: z.array(z.object({ type: z.literal('public-key'), alg: z.number().int() })),
  timeout: z.number().int(),
  excludeCredentials: z.array(z.object({ id: z.string(), type: z.literal('public-key'), transports: z.array(z.string()).optional() })),
  authenticatorSelection: z.object({ residentKey: z.string(), requireResidentKey: z.boolean(), userVerification: z.string() }),
  attestation: z.string(),
});

const INVALID_LABEL = 'Label is required and must be 200 characters or less.';
/** 1..200 characters after trimming; every way a label fails gets the one sentence PostHog's frontend shows. */
const labelSchema = z
  .string({ error: INVALID_LABEL })
  .trim()
  .min(1, { error: INVALID_LABEL })
  .max(MAX_PASSKEY_LABEL, { error: INVALID_LABEL });
// The ceremony bodies are @simplewebauthn/browser's JSON; every field is optional here because the
// service reports a missing one with its own sentence (docs/api.md "Passkeys").
const extras = {
  clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
  authenticatorAttachment: z.string().nullable().optional(),
};
const registrationCompleteBody = z.object({
  id: z.string().optional(),
  rawId: z.string().optional(),
  type: z.string().optional(),
  response: z
    .object({ clientDataJSON: z.string().optional(), attestationObject: z.string().optional(), transports: z.array(z.string()).optional() })
    .optional(),
  ...extras,
  label: labelSchema.optional(),
});
export const assertionBody = z.object({
  id: z.string().optional(),
  rawId: z.string().optional(),
  type: z.string().optional(),
  response: z
    .object({
      authenticatorData: z.string().optional(),
      clientDataJSON: z.string().optional(),
      signature: z.string().optional(),
      userHandle: z.string().nullable().optional(),
    })
    .optional(),
  ...extras,
});
const renameBody = z.object({ label: labelSchema });
const registeredBody = z.object({ success: z.literal(true), credential_id: z.string(), message: z.string() });


/** From the transports the authenticator reported (PostHog's `get_authenticator_type`). */
function authenticatorType(transports: string[]): CredentialBody['authenticator_type'] {
  if (transports.includes('hybrid')) return 'hybrid';
  if (transports.includes('internal')) return 'platform';
  if (transports.some((t) => t === 'usb' || t === 'nfc' || t === 'ble')) return 'hardware';
  return 'unknown';
}

const present = (c: PasskeyCredential): CredentialBody => ({
  id: c.id,
  label: c.label,
  created_at: c.createdAt.toISOString(),
  transports: c.transports,
  verified: c.verified,
  authenticator_type: authenticatorType(c.transports),
});

const sessionOf = (auth: AuthContext) => {
  if (auth.via !== 'session') throw new Error('passkey routes are session only');
  return auth.session;
};

/**
 * Passkeys (docs/api.md "Passkeys"): registration and its verify step, management from a session
 * (writes need the re-auth window, removal a fresh re-auth: a passkey is a login credential), and
 * the public discoverable login.
 */
@ApiTags('passkeys')
@Controller('webauthn')
export class PasskeysController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly passkeys: PasskeysService,
    private readonly sessions: SessionsService,
    private readonly bodies: UserBodyService,
  ) {}

  @Post('register/begin')
  @HttpCode(200)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Start registering a passkey: the creation options for `navigator.credentials.create`.' })
  @ApiOkResponse({ schema: openApiSchema(creationOptionsBody) })
  async registerBegin(@CurrentAuth() auth: AuthContext): Promise<z.infer<typeof creationOptionsBody>> {
    return (await this.passkeys.beginRegistration(auth.user, sessionOf(auth).id)) as z.infer<typeof creationOptionsBody>;
  }

  @Post('register/complete')
  @HttpCode(200)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Store the new passkey (unverified until `…/verify_complete/`).' })
  @ApiOkResponse({ schema: openApiSchema(registeredBody) })
  async registerComplete(@CurrentAuth() auth: AuthContext, @Body({ schema: registrationCompleteBody }) body: z.output<typeof registrationCompleteBody>): Promise<z.infer<typeof registeredBody>> {
    const { label, ...response } = body;
    const credential = await this.passkeys.completeRegistration(auth.user, sessionOf(auth).id, response, label ?? DEFAULT_PASSKEY_LABEL);
    return {
      success: true,
      credential_id: String(credential.id),
      message: 'Credential stored. Please verify your passkey to complete registration.',
    };
  }

  @Get('credentials')
  @SessionOnly()
  @ApiOperation({ summary: "The caller's passkeys, verified or not, newest first (not paginated)." })
  @ApiOkResponse({ schema: openApiSchema(z.array(credentialBody)) })
  async list(@CurrentAuth() auth: AuthContext): Promise<CredentialBody[]> {
    return (await this.passkeys.list(auth.user.id)).map(present);
  }

  @Post('credentials/:id/verify')
  @HttpCode(200)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Start verifying a stored passkey: request options naming only it.' })
  @ApiOkResponse({ schema: openApiSchema(requestOptionsBody) })
  verify(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<z.infer<typeof requestOptionsBody>> {
    return this.passkeys.beginVerification(auth.user, sessionOf(auth).id, id);
  }

  @Post('credentials/:id/verify_complete')
  @HttpCode(200)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Finish verifying a passkey with an assertion; from then on it logs in.' })
  @ApiOkResponse({ schema: openApiSchema(credentialBody) })
  async verifyComplete(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body({ schema: assertionBody }) response: z.output<typeof assertionBody>): Promise<CredentialBody> {
    return present(await this.passkeys.completeVerification(auth.user, sessionOf(auth).id, id, response));
  }

  @Patch('credentials/:id')
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: "Rename a passkey (`label`, 1..200 characters)." })
  @ApiOkResponse({ schema: openApiSchema(credentialBody) })
  async rename(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body({ schema: renameBody }) body: z.output<typeof renameBody>): Promise<CredentialBody> {
    return present(await this.passkeys.rename(auth.user, id, body.label));
  }

  @Delete('credentials/:id')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'Remove a passkey (needs a fresh re-auth). Passkey 2FA stops being effective with the last one.' })
  @ApiNoContentResponse()
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    assertFreshlyAuthenticated(auth, this.config);
    await this.passkeys.remove(auth.user, id);
  }

  @Post('login/begin')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Start a discoverable passkey login (no e-mail needed).' })
  @ApiOkResponse({ schema: openApiSchema(requestOptionsBody) })
  async loginBegin(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<z.infer<typeof requestOptionsBody>> {
    const browserId = randomBytes(24).toString('base64url');
    const options = await this.passkeys.beginLogin(browserId);
    res.setCookie(LOGIN_CHALLENGE_COOKIE, browserId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
      path: '/',
      maxAge: WEBAUTHN_TIMEOUT_MS / 1000,
    });
    return options;
  }

  @Post('login/complete')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Log in with a passkey: a new session, as `POST /api/login` (a passkey is itself two factors).' })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  async loginComplete(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply, @Body({ schema: assertionBody }) response: z.output<typeof assertionBody>): Promise<UserBody> {
    const browserId = req.cookies?.[LOGIN_CHALLENGE_COOKIE];
    res.clearCookie(LOGIN_CHALLENGE_COOKIE, { path: '/' });
    const user = await this.passkeys.completeLogin(browserId, response, req.ip);
    const session = await this.sessions.create(user.id);
    setSessionCookies(req, res, session, this.sessions.remainingS(session), true);
    return this.bodies.present(user, { via: 'session', user, session });
  }
}
