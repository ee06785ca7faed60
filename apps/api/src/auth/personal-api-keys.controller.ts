import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  apiKeyBody,
  apiKeyBodySchema,
  apiKeyFieldsSchema,
  apiKeyUpdateSchema,
  ApiKeysService,
  CurrentAuth,
  RecentAuthRequired,
  SessionOnly,
  SessionOrOwnKey,
  type ApiKeyBody,
  type AuthContext,
  type PersonalApiKey,
} from '#libs/auth';
import { notFound } from '#libs/core';
import type { ApiRequest } from '../http/api-request.js';
import { errorBodySchema, openApiSchema, paginated } from '../http/openapi-schema.js';
import { defaultPageQuery, pageBody, type PageBody, type PageQuery } from '../http/page-query.js';

const keyBody = apiKeyBodySchema;
type KeyBody = ApiKeyBody;
const errorBody = openApiSchema(errorBodySchema);

const present = (key: PersonalApiKey, value: string | null = null): KeyBody => apiKeyBody(key, value);

/**
 * Personal API keys (docs/api.md): managed from a browser session only; a key can read itself
 * (`@current` or its own id) and nothing else. Every session write needs a recent login, because
 * a key with `*` is as powerful as the session that mints it.
 */
@ApiTags('personal api keys')
@Controller('personal_api_keys')
export class PersonalApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
  ) {}

  @Get()
  @SessionOnly()
  @ApiOperation({ summary: "List the caller's keys, newest first (masked, never the value)." })
  @ApiOkResponse({ schema: openApiSchema(paginated(keyBody)) })
  async list(@CurrentAuth() auth: AuthContext, @Query({ schema: defaultPageQuery }) page: PageQuery, @Req() req: ApiRequest): Promise<PageBody<KeyBody>> {
    return pageBody(req, page, await this.keys.list(auth.user.id, page), (key) => present(key));
  }

  @Post()
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Create a key (at most 10 per user); `value` is shown this once.' })
  @ApiCreatedResponse({ schema: openApiSchema(keyBody) })
  @ApiResponse({ status: 403, description: 'The session needs re-authentication.', schema: errorBody })
  async create(@CurrentAuth() auth: AuthContext, @Body({ schema: apiKeyFieldsSchema }) fields: z.output<typeof apiKeyFieldsSchema>): Promise<KeyBody> {
    const { key, value } = await this.keys.create(
      auth.user.id,
      { label: fields.label, scopes: fields.scopes, scopedTeams: fields.scoped_teams, scopedOrganizations: fields.scoped_organizations },
      { marksCredentialsReviewed: true },
    );
    return present(key, value);
  }

  @Get('@current')
  @SessionOrOwnKey()
  @ApiOperation({ summary: 'The key that authenticates this request (API keys only; a session gets 404).' })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  current(@CurrentAuth() auth: AuthContext): KeyBody {
    if (auth.via !== 'api_key') throw notFound();
    return present(auth.apiKey);
  }

  @Get(':id')
  @SessionOrOwnKey()
  @ApiOperation({ summary: "One of the caller's keys; with a key, only that key itself." })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  @ApiResponse({ status: 403, description: 'A key asked for another key of its user.', schema: errorBody })
  async retrieve(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<KeyBody> {
    const key = auth.via === 'api_key' ? await this.keys.getAsKey(auth.apiKey, id) : await this.keys.get(auth.user.id, id);
    return present(key);
  }

  @Patch(':id')
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: "Change a key's label, scopes or scoping; the secret stays." })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body({ schema: apiKeyUpdateSchema }) body: z.output<typeof apiKeyUpdateSchema>): Promise<KeyBody> {
    await this.keys.get(auth.user.id, id);
    return present(await this.keys.update(auth.user.id, id, body));
  }

  @Put(':id')
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'As PATCH.' })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  replace(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body({ schema: apiKeyUpdateSchema }) body: z.output<typeof apiKeyUpdateSchema>): Promise<KeyBody> {
    return this.update(auth, id, body);
  }

  @Post(':id/roll')
  @HttpCode(200)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'A new secret for the key; the old value stops working at once. `value` is shown this once.' })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  async roll(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<KeyBody> {
    const { key, value } = await this.keys.roll(auth.user.id, id);
    return present(key, value);
  }

  @Delete(':id')
  @HttpCode(204)
  @SessionOnly()
  @RecentAuthRequired()
  @ApiOperation({ summary: 'Revoke a key; its value stops working at once.' })
  @ApiNoContentResponse()
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.keys.delete(auth.user.id, id);
  }

}
