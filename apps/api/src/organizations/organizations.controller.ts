import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiRequest } from '../http/api-request.js';
import { z } from 'zod';
import { assertOrganizationInKeyScope, CurrentAuth, RequireScope, scopedOrganizationsOf, type AuthContext } from '#libs/auth';
import { isUuid, notFound } from '#libs/core';
import { organizationName, OrganizationsService, type MembershipWithOrganization } from '#libs/organizations';
import { UsersService } from '#libs/users';
import { openApiSchema, paginated } from '../http/openapi-schema.js';
import { defaultPageQuery, pageBody, type PageBody, type PageQuery } from '../http/page-query.js';

const createOrganizationBody = z.object({ name: organizationName });
const organizationItem = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  created_at: z.string(),
  membership_level: z.number().int(),
});
type OrganizationItem = z.infer<typeof organizationItem>;

const present = (m: MembershipWithOrganization): OrganizationItem => ({
  id: m.organization.id,
  name: m.organization.name,
  slug: m.organization.slug,
  created_at: m.organization.createdAt.toISOString(),
  membership_level: m.level,
});

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @RequireScope('organization:read')
  @ApiOperation({ summary: "List the caller's organizations." })
  @ApiOkResponse({ schema: openApiSchema(paginated(organizationItem)) })
  async list(@CurrentAuth() auth: AuthContext, @Query({ schema: defaultPageQuery }) page: PageQuery, @Req() req: ApiRequest): Promise<PageBody<OrganizationItem>> {
    return pageBody(req, page, await this.organizations.listForUser(auth.user.id, page, scopedOrganizationsOf(auth)), present);
  }

  @Post()
  @RequireScope('organization:write')
  @ApiOperation({ summary: 'Create an organization with a default project; the caller becomes its owner.' })
  @ApiCreatedResponse({ schema: openApiSchema(organizationItem) })
  async create(@CurrentAuth() auth: AuthContext, @Body({ schema: createOrganizationBody }) body: z.output<typeof createOrganizationBody>): Promise<OrganizationItem> {
    const { name } = body;
    const { organization, team } = await this.organizations.create(name, auth.user.id);
    await this.users.update(auth.user, { currentOrganizationId: organization.id, currentTeamId: team.id });
    const membership = await this.organizations.membership(organization.id, auth.user.id);
    return present({ ...membership!, organization });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('organization:write')
  @ApiOperation({ summary: 'Delete an organization (owners only) with its teams and memberships.' })
  @ApiNoContentResponse()
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    if (!isUuid(id)) throw notFound();
    assertOrganizationInKeyScope(auth, id);
    if (!(await this.organizations.findById(id))) throw notFound();
    await this.organizations.delete(id, auth.user.id);
  }
}
