import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { assertRecentlyAuthenticated, CurrentAuth, RequireScope, SessionOnly, type AuthContext } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { z } from 'zod';
import { GithubLoginLookup, hedgehogConfigBodySchema, UsersService, UserTargets } from '#libs/users';
import { errorBodySchema, openApiSchema } from '../http/openapi-schema.js';

const errorBody = openApiSchema(errorBodySchema);
const hedgehogConfigSchema = z.record(z.string(), z.unknown()).describe('Any JSON object, at most 64 KiB serialized.');
const githubLoginBodySchema = z.object({ github_login: z.string().nullable() });

/** The detail actions on a user: credentials review, GitHub login, hedgehog config. */
@ApiTags('users')
@Controller('users/:uuid')
export class UserActionsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly targets: UserTargets,
    private readonly githubLogins: GithubLoginLookup,
  ) {}

  @Post('credentials_review_complete')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'Record that the user reviewed their credentials (idempotent; browser session only).' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 403, description: 'Not `@me` (non-staff), or the session needs re-authentication.', schema: errorBody })
  async credentialsReviewComplete(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<void> {
    const target = await this.targets.resolve(auth.user, uuid);
    assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
    await this.users.markCredentialsReviewed(target);
  }

  @Get('github_login')
  @RequireScope('user:read')
  @ApiOperation({ summary: "The GitHub login of the user's most recently linked GitHub integration, or null." })
  @ApiOkResponse({ schema: openApiSchema(githubLoginBodySchema) })
  async githubLogin(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<{ github_login: string | null }> {
    const target = await this.targets.resolve(auth.user, uuid);
    return { github_login: await this.githubLogins.githubLoginFor(target.id) };
  }

  @Get('hedgehog_config')
  @RequireScope('user:read')
  @ApiOperation({ summary: "The user's hedgehog configuration (`{}` when unset)." })
  @ApiOkResponse({ schema: openApiSchema(hedgehogConfigSchema) })
  async hedgehogConfig(@CurrentAuth() auth: AuthContext, @Param('uuid') uuid: string): Promise<Record<string, unknown>> {
    const target = await this.targets.resolve(auth.user, uuid);
    return target.hedgehogConfig ?? {};
  }

  @Patch('hedgehog_config')
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Replace the hedgehog configuration with the body (not subject to re-authentication).' })
  @ApiOkResponse({ schema: openApiSchema(hedgehogConfigSchema) })
  @ApiResponse({ status: 400, description: 'Not a JSON object, or larger than 64 KiB.', schema: errorBody })
  async updateHedgehogConfig(
    @CurrentAuth() auth: AuthContext,
    @Param('uuid') uuid: string,
    @Body({ schema: hedgehogConfigBodySchema }) hedgehogConfig: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const target = await this.targets.resolve(auth.user, uuid);
    await this.users.applyUpdate(target, { hedgehogConfig });
    return hedgehogConfig;
  }
}
