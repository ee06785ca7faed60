import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiRequest } from '../http/api-request.js';
import { z } from 'zod';
import { CurrentAuth, RequireScope, type AuthContext } from '#libs/auth';
import { BranchesService, githubErrors, IntegrationsService, type BranchesPage } from '#libs/github';
import { openApiSchema } from '../http/openapi-schema.js';
import { UserTargetService } from '../users/user-target.service.js';
import { branchesQuery, parseInstallationId } from './github-params.js';

const branchesBody = z.object({
  branches: z.array(z.string()),
  default_branch: z.string().nullable(),
  has_more: z.boolean(),
  total: z.number().int(),
  refreshed_at: z.string().nullable(),
  stale: z.boolean(),
});

/** Branches of a repository of a linked installation, from the cache (SPEC §4.6). */
@ApiTags('integrations')
@Controller('users/:uuid/integrations/github/:iid/branches')
export class GithubBranchesController {
  constructor(
    private readonly targets: UserTargetService,
    private readonly integrations: IntegrationsService,
    private readonly branches: BranchesService,
  ) {}

  @Get()
  @RequireScope('user:read')
  @ApiOperation({ summary: 'Search the cached branches of `repo` (owner/repo); the default branch comes first.' })
  @ApiOkResponse({ schema: openApiSchema(branchesBody) })
  async list(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string, @Param('iid') iid: string, @Req() req: ApiRequest): Promise<BranchesPage> {
    const user = await this.targets.resolve(auth, uuid);
    const installationId = parseInstallationId(iid);
    const { repo, ...query } = branchesQuery(req.query);
    const row = await this.integrations.find(user.id, installationId);
    if (!row) throw githubErrors.integrationNotFound();
    return this.branches.list(row, repo, query);
  }
}
