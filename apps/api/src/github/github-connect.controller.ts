import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Redirect, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthService, CurrentAuth, Public, RequireScope, SESSION_COOKIE, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { callbackQuerySchema, ConnectService, type CallbackQuery } from '#libs/github';
import { UserTargets } from '#libs/users';
import type { ApiRequest } from '../http/api-request.js';
import { openApiSchema } from '../http/openapi-schema.js';

const startBody = z.object({ install_url: z.string(), connect_flow: z.literal('app_install') });
// GitHub's frontend sends the id as a string or a number; both read as the same decimal string.
const prepareCallbackBody = z.object({
  installation_id: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()),
});

/** Linking a GitHub App installation (docs/api.md, GitHub connect flow). */
@ApiTags('integrations')
@Controller()
export class GithubConnectController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly targets: UserTargets,
    private readonly connect: ConnectService,
    private readonly auth: AuthService,
  ) {}

  @Post('users/:uuid/integrations/github/start')
  @HttpCode(200)
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Start linking: the GitHub App install URL, carrying a single-use state.' })
  @ApiOkResponse({ schema: openApiSchema(startBody) })
  async start(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<z.infer<typeof startBody>> {
    const user = await this.targets.resolve(auth.user, uuid);
    return this.connect.start(user.id);
  }

  @Post('users/:uuid/integrations/github/prepare_callback')
  @HttpCode(204)
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Before "Configure" on GitHub: lets the code-less `setup_action=update` return refresh that installation.' })
  @ApiNoContentResponse()
  async prepareCallback(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string, @Body({ schema: prepareCallbackBody }) body: z.output<typeof prepareCallbackBody>): Promise<void> {
    const user = await this.targets.resolve(auth.user, uuid);
    const { installation_id } = body;
    await this.connect.prepareCallback(user.id, installation_id);
  }

  /**
   * Reachable without credentials (GitHub redirects the browser here), but it acts only for the
   * browser session of the user who started the flow: the SameSite=Lax cookie rides GitHub's
   * top-level redirect. Without a session the browser is sent to log in and come back.
   */
  @Get('integrations/github/callback')
  @Public()
  @ApiOperation({ summary: "The GitHub App's setup/callback URL: links the installation for the session's user, then redirects." })
  @ApiResponse({
    status: 302,
    description: 'To <FRONTEND_URL>/settings/user?github_link_success=1 or ?github_link_error=<reason>; to <FRONTEND_URL>/login?next=… without a session; or on to GitHub.',
  })
  @Redirect(undefined, 302)
  async callback(@Query({ schema: callbackQuerySchema }) query: CallbackQuery, @Req() req: ApiRequest): Promise<{ url: string }> {
    const sessionId = req.cookies?.[SESSION_COOKIE];
    const session = typeof sessionId === 'string' ? await this.auth.authenticateSession(sessionId) : null;
    const callbackUrl = this.config.GITHUB_CALLBACK_URL ?? `${req.protocol}://${req.host}/api/integrations/github/callback`;
    const outcome = await this.connect.callback(query, session?.user.id ?? null, req.originalUrl, callbackUrl);
    return { url: outcome.url };
  }
}
