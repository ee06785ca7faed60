import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentAuth, RequireScope, type AuthContext } from '#libs/auth';
import { BranchesService, githubErrors, IntegrationsService, type BranchesPage } from '#libs/github';
import { UserTargets } from '#libs/users';
import { openApiSchema } from '../http/openapi-schema.js';
import { branchesQuery, installationIdParam } from './github-request-schemas.js';

const branchesBody = z.object({
  branches: z.array(z.string()),
  default_branch: z.string().nullable(),
  has_more: z.boolean(),
  total: z.number().int(),
  refreshed_at: z.string().nullable(),
  stale: z.boolean(),
});

/** Branches of a repository of a linked installation, from the cache. */
@ApiTags('integrations')
@Controller('users/:uuid/integrations/github/:installation_id/branches')
export class GithubBranchesController {
  constructor(
    private readonly targets: UserTargets,
    private readonly integrations: IntegrationsService,
    private readonly branches: BranchesService,
  ) {}

  @Get()
  @RequireScope('user:read')
  @ApiOperation({ summary: 'Search the cached branches of `repo` (owner/repo); the default branch comes first.' })
  @ApiOkResponse({ schema: openApiSchema(branchesBody) })
  async list(
    @CurrentAuth() auth: AuthContext,
    @Param('uuid') uuid: string,
    @Param('installation_id', { schema: installationIdParam }) installationId: number,
    @Query({ schema: branchesQuery }) { repo, ...query }: z.output<typeof branchesQuery>,
  ): Promise<BranchesPage> {
    const user = await this.targets.resolve(auth.user, uuid);
    const row = await this.integrations.find(user.id, installationId);
    if (!row) throw githubErrors.integrationNotFound();
    return this.branches.list(row, repo, query);
  }
}
