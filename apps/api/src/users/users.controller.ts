import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ApiRequest } from '../http/api-request.js';
import { UserBodyService, userBodySchema, UserDeletionService, UserUpdateService, type UserBody } from '#libs/accounts';
import { CurrentAuth, RequireScope, SessionOnly, type AuthContext } from '#libs/auth';
import { userUpdateBodySchema, UsersService, UserTargets } from '#libs/users';
import { errorBodySchema, openApiSchema, paginated } from '../http/openapi-schema.js';
import { pageBody, type PageBody } from '../http/page-query.js';
import { userListQuery, type UserListQuery } from './user-list-query.js';

const errorBody = openApiSchema(errorBodySchema);

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly targets: UserTargets,
    private readonly bodies: UserBodyService,
    private readonly updates: UserUpdateService,
    private readonly deletions: UserDeletionService,
  ) {}

  @Get()
  @RequireScope('user:read')
  @ApiOperation({ summary: 'List users: staff see every active user, others only themselves.' })
  @ApiOkResponse({ schema: openApiSchema(paginated(userBodySchema)) })
  @ApiResponse({ status: 400, description: 'Invalid filter or page.', schema: errorBody })
  async list(@CurrentAuth() auth: AuthContext, @Query({ schema: userListQuery }) query: UserListQuery, @Req() req: ApiRequest): Promise<PageBody<UserBody>> {
    const { email, is_staff: isStaff, ...page } = query;
    const filter = { ...(email === undefined ? {} : { email }), ...(isStaff === undefined ? {} : { isStaff }) };
    const found = await this.users.list(auth.user.isStaff ? filter : { ...filter, onlyId: auth.user.id }, page);
    const bodies = await this.bodies.presentMany(found.items, auth);
    return pageBody(req, page, { count: found.count, items: bodies }, (body) => body);
  }

  @Get(':uuid')
  @RequireScope('user:read')
  @ApiOperation({ summary: "Retrieve a user's profile and settings; `@me` is the caller." })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  @ApiResponse({ status: 403, description: 'Non-staff callers may only use `@me`.', schema: errorBody })
  @ApiResponse({ status: 404, description: 'Unknown, inactive or malformed uuid.', schema: errorBody })
  async retrieve(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<UserBody> {
    return this.bodies.present(await this.targets.resolve(auth.user, uuid), auth);
  }

  @Patch(':uuid')
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Update a user; read-only and unknown keys are ignored.' })
  @ApiBody({ schema: openApiSchema(userUpdateBodySchema, 'input') })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  @ApiResponse({ status: 400, description: 'A field is invalid (`attr` names it); nothing was changed.', schema: errorBody })
  @ApiResponse({ status: 403, description: 'Identity change with an API key, stale session, or `is_staff` by non-staff.', schema: errorBody })
  @ApiResponse({ status: 429, description: 'Too many password attempts.', schema: errorBody })
  async update(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string, @Body() body: unknown): Promise<UserBody> {
    const target = await this.targets.resolve(auth.user, uuid);
    return this.bodies.present(await this.updates.update(auth, target, body), auth);
  }

  @Put(':uuid')
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Same as PATCH (a partial update).' })
  @ApiBody({ schema: openApiSchema(userUpdateBodySchema, 'input') })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  @ApiResponse({ status: 400, description: 'A field is invalid (`attr` names it); nothing was changed.', schema: errorBody })
  replace(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string, @Body() body: unknown): Promise<UserBody> {
    return this.update(auth, uuid, body);
  }

  @Delete(':uuid')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'Delete a user without organization memberships, for good (browser session only).' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 403, description: 'Not `@me` (non-staff), or the session needs re-authentication.', schema: errorBody })
  @ApiResponse({ status: 409, description: 'The user still belongs to an organization.', schema: errorBody })
  async remove(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<void> {
    await this.deletions.delete(auth, await this.targets.resolve(auth.user, uuid));
  }
}
