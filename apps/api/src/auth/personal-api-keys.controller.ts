import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiRequest } from '../http/api-request.js';
import { z } from 'zod';
import { ApiKeysService, assertRecentlyAuthenticated, CurrentAuth, SCOPES, SessionOnly, type AuthContext, type PersonalApiKey } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { openApiSchema, paginated } from '../http/openapi-schema.js';
import { pageBody, parsePage, type PageBody } from '../http/pagination.js';
import { bodyObject } from '../http/parse-body.js';

const createKeyBody = z.object({ label: z.string().min(1).max(40), scopes: z.array(z.enum(SCOPES)).min(1) });
const keyBody = z.object({
  id: z.string(),
  label: z.string(),
  mask_value: z.string(),
  scopes: z.array(z.string()),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
const createdKeyBody = keyBody.extend({ value: z.string() });
type KeyBody = z.infer<typeof keyBody>;

const present = (key: PersonalApiKey): KeyBody => ({
  id: key.id,
  label: key.label,
  mask_value: key.maskValue,
  scopes: key.scopes,
  created_at: key.createdAt.toISOString(),
  last_used_at: key.lastUsedAt?.toISOString() ?? null,
});

/** Personal API keys: managed from a browser session only (a key cannot mint keys). */
@ApiTags('personal api keys')
@Controller('personal_api_keys')
export class PersonalApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @SessionOnly()
  @ApiOperation({ summary: "List the caller's keys (masked)." })
  @ApiOkResponse({ schema: openApiSchema(paginated(keyBody)) })
  async list(@CurrentAuth() auth: AuthContext, @Req() req: ApiRequest): Promise<PageBody<KeyBody>> {
    const page = parsePage(req.query);
    return pageBody(req, page, await this.keys.list(auth.user.id, page), present);
  }

  @Post()
  @SessionOnly()
  @ApiOperation({ summary: 'Create a key; `value` is shown this once.' })
  @ApiBody({ schema: openApiSchema(createKeyBody) })
  @ApiCreatedResponse({ schema: openApiSchema(createdKeyBody) })
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<z.infer<typeof createdKeyBody>> {
    // A `*` key is as powerful as the session: a stale session must not mint one (docs/api.md, Re-authentication).
    assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
    const { label, scopes } = bodyObject(body);
    const { key, value } = await this.keys.create(auth.user.id, { label, scopes });
    return { ...present(key), value };
  }

  @Delete(':id')
  @HttpCode(204)
  @SessionOnly()
  @ApiOperation({ summary: 'Revoke a key.' })
  @ApiNoContentResponse()
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    assertRecentlyAuthenticated(auth, this.config.SENSITIVE_ACTION_MAX_AGE_S);
    await this.keys.delete(auth.user.id, id);
  }
}
