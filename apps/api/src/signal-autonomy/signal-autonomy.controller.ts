import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentAuth, RequireScope, type AuthContext } from '#libs/auth';
import { AUTONOMY_TARGET, SignalAutonomyService, type AutonomyChanges } from '#libs/signal-autonomy';
import { UserTargets } from '#libs/users';
import { openApiSchema } from '../http/openapi-schema.js';
import { autonomyRequestSchema, autonomyResponseSchema, presentAutonomy, type AutonomyRequest, type AutonomyResponse } from './signal-autonomy.schemas.js';

const ID_PARAM = { name: 'user_id', description: '`@me`; staff may also give another user\'s integer id or uuid.' };

/** Per-user signal autonomy; `user:write` for reads too, as in PostHog. */
@ApiTags('signal autonomy')
@Controller('users/:user_id/signal_autonomy')
export class SignalAutonomyController {
  constructor(
    private readonly targets: UserTargets,
    private readonly autonomy: SignalAutonomyService,
  ) {}

  @Get()
  @RequireScope('user:write')
  @ApiOperation({ summary: "The user's autonomy config; 404 when none is saved." })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ schema: openApiSchema(autonomyResponseSchema) })
  async get(@CurrentAuth() auth: AuthContext, @Param('user_id') id: string): Promise<AutonomyResponse> {
    const user = await this.targets.resolve(auth.user, id, AUTONOMY_TARGET);
    return presentAutonomy(await this.autonomy.get(user.id), user);
  }

  @Post()
  @HttpCode(200)
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Create or update the config; only the keys present in the body are written.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ schema: openApiSchema(autonomyResponseSchema) })
  async save(@CurrentAuth() auth: AuthContext, @Param('user_id') id: string, @Body({ schema: autonomyRequestSchema }) body: z.output<typeof autonomyRequestSchema>): Promise<AutonomyResponse> {
    const user = await this.targets.resolve(auth.user, id, AUTONOMY_TARGET);
    const config = await this.autonomy.save(user.id, toChanges(body));
    return presentAutonomy(config, user);
  }

  @Delete()
  @HttpCode(204)
  @RequireScope('user:write')
  @ApiOperation({ summary: 'Delete the config (also 204 when none is saved).' })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse()
  async remove(@CurrentAuth() auth: AuthContext, @Param('user_id') id: string): Promise<void> {
    const user = await this.targets.resolve(auth.user, id, AUTONOMY_TARGET);
    await this.autonomy.remove(user.id);
  }
}

/** Keeps the absent/present distinction: an absent key is left alone, a present null clears. */
function toChanges(request: AutonomyRequest): AutonomyChanges {
  const changes: AutonomyChanges = {};
  if (request.autostart_priority !== undefined) changes.autostartPriority = request.autostart_priority;
  if (request.slack_notification_channel !== undefined) changes.slackNotificationChannel = request.slack_notification_channel;
  if (request.slack_notification_min_priority !== undefined) changes.slackNotificationMinPriority = request.slack_notification_min_priority;
  return changes;
}
