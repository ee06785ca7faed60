import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  apiKeyBody,
  apiKeyFieldsSchema,
  apiKeyUpdateSchema,
  ApiKeysService,
  assertRecentlyAuthenticated,
  CurrentAuth,
  SessionOnly,
  SessionOrOwnKey,
  type AuthContext,
  type PersonalApiKey,
} from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { notFound } from '#libs/core';
import type { ApiRequest } from '../http/api-request.js';
import { errorBodySchema, openApiSchema, paginated } from '../http/openapi-schema.js';
import { pageBody, parsePage, type PageBody } from '../http/pagination.js';
import { parseBody } from '../http/parse-body.js';

const keyBody = z.object({
  id: z.string(),
  label: z.string(),
  value: z.string().nullable().describe('The plaintext: only in the create and roll responses, null everywhere else.'),
  mask_value: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  last_rolled_at: z.string().nullable(),
  user_id: z.number().int(),
  scopes: z.array(z.string()),
  scoped_teams: z.array(z.number().int()).nullable(),
  scoped_organizations: z.array(z.string()).nullable(),
});
type KeyBody = z.infer<typeof keyBody>;
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeysService,
  ) {}

  @Get()
  @SessionOnly()
  @ApiOperation({ summary: "List the caller's keys, newest first (masked, never the value)." })
  @ApiOkResponse({ schema: openApiSchema(paginated(keyBody)) })
  async list(@CurrentAuth() auth: AuthContext, @Req() req: ApiRequest): Promise<PageBody<KeyBody>> {
    const page = parsePage(req.query);
    return pageBody(req, page, await this.keys.list(auth.user.id, page), (key) => present(key));
  }

  @Post()
  @SessionOnly()
  @ApiOperation({ summary: 'Create a key (at most 10 per user); `value` is shown this once.' })
  @ApiBody({ schema: openApiSchema(apiKeyFieldsSchema, 'input') })
  @ApiCreatedResponse({ schema: openApiSchema(keyBody) })
  @ApiResponse({ status: 403, description: 'The session needs re-authentication.', schema: errorBody })
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<KeyBody> {
    this.assertRecent(auth);
    const fields = parseBody(apiKeyFieldsSchema, body);
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
  @ApiOperation({ summary: "Change a key's label, scopes or scoping; the secret stays." })
  @ApiBody({ schema: openApiSchema(apiKeyUpdateSchema, 'input') })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<KeyBody> {
    this.assertRecent(auth);
    await this.keys.get(auth.user.id, id);
    return present(await this.keys.update(auth.user.id, id, parseBody(apiKeyUpdateSchema, body)));
  }

  @Put(':id')
  @SessionOnly()
  @ApiOperation({ summary: 'As PATCH.' })
  @ApiBody({ schema: openApiSchema(apiKeyUpdateSchema, 'input') })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  replace(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<KeyBody> {
    return this.update(auth, id, body);
  }

  @Post(':id/roll')
  @HttpCode(200)
  @SessionOnly()
  @ApiOperation({ summary: 'A new secret for the key; the old value stops working at once. `value` is shown this once.' })
  @ApiOkResponse({ schema: openApiSchema(keyBody) })
  async roll(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<KeyBody> {
    this.assertRecent(auth);
    const { key, value } = await this.keys.roll(auth.user.id, id);
    return present(key, value);
  }

  @Delete(':id')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'Revoke a key; its value stops working at once.' })
  @ApiNoContentResponse()
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    this.assertRecent(auth);
    await this.keys.delete(auth.user.id, id);
  }

  private assertRecent(auth: AuthContext): void {
    assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
  }
}
