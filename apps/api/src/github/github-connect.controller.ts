import { Controller, Get, HttpCode, Param, Post, Query, Redirect } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAuth, Public, RequireScope, type AuthContext } from '#libs/auth';
import { ConnectService, type CallbackQuery } from '#libs/github';
import { openApiSchema } from '../http/openapi-schema.js';
import { UserTargetService } from '../users/user-target.service.js';

const startBody = z.object({ install_url: z.string(), connect_flow: z.literal('app_install') });

/** Linking a GitHub App installation (SPEC §4.1). */
@ApiTags('integrations')
@Controller()
export class GithubConnectController {
  constructor(
    private readonly targets: UserTargetService,
    private readonly connect: ConnectService,
  ) {}

  @Post('users/:uuid/integrations/github/start')
  @HttpCode(200)
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Start linking: the GitHub App install URL, carrying a single-use state.' })
  @ApiOkResponse({ schema: openApiSchema(startBody) })
  async start(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<z.infer<typeof startBody>> {
    const user = await this.targets.resolve(auth, uuid);
    return this.connect.start(user.id);
  }

  @Get('integrations/github/callback')
  @Public()
  @ApiOperation({ summary: "The GitHub App's setup/callback URL: links the installation, then redirects to the frontend." })
  @ApiResponse({ status: 302, description: 'To <FRONTEND_URL>/settings/user?github_link_success=1 or ?github_link_error=<reason>.' })
  @Redirect(undefined, 302)
  async callback(@Query() query: CallbackQuery): Promise<{ url: string }> {
    return { url: await this.connect.callback(query) };
  }
}
