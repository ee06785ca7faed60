import { Controller, Delete, Get, HttpCode, Param, Query, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiRequest } from '../http/api-request.js';
import { z } from 'zod';
import { CurrentAuth, RequireScope, type AuthContext } from '#libs/auth';
import { githubErrors, IntegrationsService, type GithubIntegration } from '#libs/github';
import { UserTargets } from '#libs/users';
import { openApiSchema, paginated } from '../http/openapi-schema.js';
import { defaultPageQuery, pageBody, type PageBody, type PageQuery } from '../http/page-query.js';
import { installationIdParam } from './github-request-schemas.js';

const integrationBody = z.object({
  id: z.string(),
  kind: z.literal('github'),
  installation_id: z.string(),
  repository_selection: z.string().nullable(),
  account: z.object({ type: z.string(), name: z.string() }),
  status: z.enum(['active', 'suspended', 'deleted']),
  created_at: z.string(),
});
type IntegrationBody = z.infer<typeof integrationBody>;

const present = (row: GithubIntegration): IntegrationBody => ({
  id: row.id,
  kind: 'github',
  installation_id: String(row.installationId),
  repository_selection: row.repositorySelection,
  account: { type: row.account.type, name: row.account.login },
  status: row.status,
  created_at: row.createdAt.toISOString(),
});

/** A user's personal integrations. */
@ApiTags('integrations')
@Controller('users/:uuid/integrations')
export class IntegrationsController {
  constructor(
    private readonly targets: UserTargets,
    private readonly integrations: IntegrationsService,
  ) {}

  @Get()
  @RequireScope('user:read')
  @ApiOperation({ summary: "List a user's GitHub integrations, oldest first." })
  @ApiOkResponse({ schema: openApiSchema(paginated(integrationBody)) })
  async list(
    @CurrentAuth() auth: AuthContext,
    @Param('uuid') uuid: string,
    @Query({ schema: defaultPageQuery }) page: PageQuery,
    @Req() req: ApiRequest,
  ): Promise<PageBody<IntegrationBody>> {
    const user = await this.targets.resolve(auth.user, uuid);
    return pageBody(req, page, await this.integrations.list(user.id, page), present);
  }

  @Delete('github/:installation_id')
  @HttpCode(204)
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Unlink a GitHub installation; the last user to unlink it also uninstalls the App.' })
  @ApiNoContentResponse()
  async remove(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string, @Param('installation_id', { schema: installationIdParam }) installationId: number): Promise<void> {
    const user = await this.targets.resolve(auth.user, uuid);
    if (!(await this.integrations.unlink(user.id, installationId))) throw githubErrors.integrationNotFound();
  }
}
