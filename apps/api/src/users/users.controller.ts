import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, RequireScope, type AuthContext } from '#libs/auth';
import { openApiSchema } from '../http/openapi-schema.js';
import { userBodySchema, type UserBody } from './user-body.js';
import { UserBodyService } from './user-body.service.js';
import { UserTargetService } from './user-target.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly targets: UserTargetService,
    private readonly bodies: UserBodyService,
  ) {}

  @Get(':uuid')
  @RequireScope('user:read')
  @ApiOperation({ summary: "Retrieve a user's profile and settings; `@me` is the caller." })
  @ApiOkResponse({ schema: openApiSchema(userBodySchema) })
  async retrieve(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<UserBody> {
    return this.bodies.present(await this.targets.resolve(auth, uuid), auth);
  }
}
