import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentAuth, RequireScope, type AuthContext } from '#libs/auth';
import { githubErrors, IntegrationsService, ReposService, type GithubIntegration, type ReposPage } from '#libs/github';
import { UserTargets } from '#libs/users';
import { openApiSchema } from '../http/openapi-schema.js';
import { installationIdParam, reposQuery } from './github-request-schemas.js';

const repoBody = z.object({
  id: z.number().int(),
  name: z.string(),
  full_name: z.string(),
  private: z.boolean(),
  default_branch: z.string().nullable(),
  language: z.string().nullable(),
  pushed_at: z.string().nullable(),
  archived: z.boolean(),
  can_push: z.boolean(),
});
const reposPageBody = z.object({
  repositories: z.array(repoBody),
  has_more: z.boolean(),
  total: z.number().int(),
  refreshed_at: z.string().nullable(),
  stale: z.boolean(),
});
const refreshedBody = z.object({ repositories: z.array(repoBody), refreshed_at: z.string().nullable() });

/** Repositories of a linked installation, from the cache the worker keeps. */
@ApiTags('integrations')
@Controller('users/:uuid/integrations/github/:installation_id/repos')
export class GithubReposController {
  constructor(
    private readonly targets: UserTargets,
    private readonly integrations: IntegrationsService,
    private readonly repos: ReposService,
  ) {}

  @Get()
  @RequireScope('user:read')
  @ApiOperation({ summary: 'Search the cached repositories of an installation (never pages GitHub in the request).' })
  @ApiOkResponse({ schema: openApiSchema(reposPageBody) })
  async list(
    @CurrentAuth() auth: AuthContext,
    @Param('uuid') uuid: string,
    @Param('installation_id', { schema: installationIdParam }) installationId: number,
    @Query({ schema: reposQuery }) query: z.output<typeof reposQuery>,
  ): Promise<ReposPage> {
    const user = await this.targets.resolve(auth.user, uuid);
    return this.repos.list(await this.integration(user.id, installationId), query);
  }

  @Post('refresh')
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Refresh the cached repositories now; 202 when it takes longer than the wait.' })
  @ApiOkResponse({ schema: openApiSchema(refreshedBody) })
  @ApiAcceptedResponse({ schema: openApiSchema(z.object({ status: z.literal('queued') })) })
  async refresh(
    @CurrentAuth() auth: AuthContext,
    @Param('uuid') uuid: string,
    @Param('installation_id', { schema: installationIdParam }) installationId: number,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<z.infer<typeof refreshedBody> | { status: 'queued' }> {
    const user = await this.targets.resolve(auth.user, uuid);
    const result = await this.repos.refresh(await this.integration(user.id, installationId));
    if (result.status === 'queued') {
      res.status(202);
      return { status: 'queued' };
    }
    res.status(200);
    return { repositories: result.repositories, refreshed_at: result.refreshed_at };
  }

  private async integration(userId: number, installationId: number): Promise<GithubIntegration> {
    const row = await this.integrations.find(userId, installationId);
    if (!row) throw githubErrors.integrationNotFound();
    return row;
  }
}
