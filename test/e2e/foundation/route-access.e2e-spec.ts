import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Post } from '@nestjs/common';
import type { AccessRule } from '#libs/auth';
import { createApiKey, createUser, loggedInUser } from '../../support/fixtures.js';
import { registeredRoutes, type RegisteredRoute } from '../../support/routes.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/**
 * Who may call each route. A CHANGE TO THIS TABLE IS A PERMISSION CHANGE: it needs the same review
 * as a change to the access rules in docs/api.md (Authentication). Path parameters are compared by position only (`:uuid` = `:id`).
 * Rows for routes another part of the service adds are checked once the route exists.
 */
const PUBLIC: AccessRule = { kind: 'public' };
const SESSION: AccessRule = { kind: 'session' };
const SESSION_OR_OWN_KEY: AccessRule = { kind: 'session_or_own_key' };
const scope = (s: 'user:read' | 'user:write' | 'organization:read' | 'organization:write'): AccessRule => ({ kind: 'scope', scope: s });

const SCOPE_TABLE: Record<string, AccessRule> = {
  // Users
  'GET /api/users': scope('user:read'),
  'GET /api/users/:p': scope('user:read'),
  'PATCH /api/users/:p': scope('user:write'),
  'PUT /api/users/:p': scope('user:write'),
  'DELETE /api/users/:p': SESSION,
  'POST /api/users/:p/credentials_review_complete': SESSION,
  'GET /api/users/:p/github_login': scope('user:read'),
  'GET /api/users/:p/hedgehog_config': scope('user:read'),
  'PATCH /api/users/:p/hedgehog_config': scope('user:write'),
  // Two-factor authentication: session only
  'POST /api/login/token': PUBLIC,
  'POST /api/users/verify_email': PUBLIC,
  'POST /api/users/request_email_verification': PUBLIC,
  'PATCH /api/users/cancel_email_change_request': SESSION,
  'GET /api/login/2fa/passkey/methods': PUBLIC,
  'POST /api/login/2fa/passkey/begin': PUBLIC,
  'GET /api/users/:p/two_factor_start_setup': SESSION,
  'GET /api/users/:p/start_2fa_setup': SESSION,
  'POST /api/users/:p/two_factor_validate': SESSION,
  'POST /api/users/:p/validate_2fa': SESSION,
  'GET /api/users/:p/two_factor_status': SESSION,
  'POST /api/users/:p/two_factor_backup_codes': SESSION,
  'POST /api/users/:p/two_factor_disable': SESSION,
  // Signal autonomy
  'GET /api/users/:p/signal_autonomy': scope('user:write'),
  'POST /api/users/:p/signal_autonomy': scope('user:write'),
  'DELETE /api/users/:p/signal_autonomy': scope('user:write'),
  // Personal GitHub integrations
  'GET /api/users/:p/integrations': scope('user:read'),
  'GET /api/users/:p/integrations/github/:p/repos': scope('user:read'),
  'GET /api/users/:p/integrations/github/:p/branches': scope('user:read'),
  'DELETE /api/users/:p/integrations/github/:p': scope('user:write'),
  'POST /api/users/:p/integrations/github/:p/repos/refresh': scope('user:write'),
  'POST /api/users/:p/integrations/github/start': scope('user:write'),
  'POST /api/users/@me/integrations/github/start': scope('user:write'),
  'POST /api/users/:p/integrations/github/prepare_callback': scope('user:write'),
  'GET /api/integrations/github/callback': PUBLIC,
  'POST /api/integrations/github/webhook': PUBLIC,
  // Personal API keys: a key cannot manage keys.
  'GET /api/personal_api_keys': SESSION,
  'POST /api/personal_api_keys': SESSION,
  'DELETE /api/personal_api_keys/:p': SESSION,
  // Personal API key lifecycle: a key reads only itself (no scope needed); every other call is session only.
  'GET /api/personal_api_keys/@current': SESSION_OR_OWN_KEY,
  'GET /api/personal_api_keys/:p': SESSION_OR_OWN_KEY,
  'PATCH /api/personal_api_keys/:p': SESSION,
  'PUT /api/personal_api_keys/:p': SESSION,
  'POST /api/personal_api_keys/:p/roll': SESSION,
  // Organizations
  'GET /api/organizations': scope('organization:read'),
  'POST /api/organizations': scope('organization:write'),
  'DELETE /api/organizations/:p': scope('organization:write'),
  // Sessions: logout and reauth act on the browser session itself.
  'POST /api/login': PUBLIC,
  'POST /api/logout': SESSION,
  'POST /api/reauth': SESSION,
  'GET /api/csrf': SESSION,
  // Passkeys: management is session only; the discoverable login is public.
  'POST /api/webauthn/register/begin': SESSION,
  'POST /api/webauthn/register/complete': SESSION,
  'GET /api/webauthn/credentials': SESSION,
  'POST /api/webauthn/credentials/:p/verify': SESSION,
  'POST /api/webauthn/credentials/:p/verify_complete': SESSION,
  'PATCH /api/webauthn/credentials/:p': SESSION,
  'DELETE /api/webauthn/credentials/:p': SESSION,
  'POST /api/webauthn/login/begin': PUBLIC,
  'POST /api/webauthn/login/complete': PUBLIC,
  // E-mail flows: public; the e-mail change cancel is session only.
  'POST /api/reset': PUBLIC,
  'GET /api/reset/:p': PUBLIC,
  'POST /api/reset/:p': PUBLIC,
  // Operations
  'GET /api/health': PUBLIC,
  'GET /api/ready': PUBLIC,
};

const tableKey = (route: RegisteredRoute) => `${route.method} ${route.path.replace(/:\w+/g, ':p')}`;

describe('route access declarations', () => {
  let t: TestApp;
  let routes: RegisteredRoute[];
  beforeAll(async () => {
    t = await createTestApp();
    routes = registeredRoutes(t.app);
  });
  afterAll(() => t.close());

  it('finds the routes (the walk itself works)', () => {
    expect(routes.map(tableKey)).toEqual(expect.arrayContaining(['POST /api/login', 'GET /api/users/:p', 'DELETE /api/organizations/:p']));
  });

  it('every registered route declares an Access rule', () => {
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('every registered route is in the access table, with the rule the table gives', () => {
    const rows = routes.map((r) => ({ route: tableKey(r), access: r.access }));
    const expected = routes.map((r) => ({ route: tableKey(r), access: SCOPE_TABLE[tableKey(r)] ?? 'MISSING FROM THE ACCESS TABLE' }));
    expect(rows).toEqual(expected);
  });
});

@Controller('probe')
class UndeclaredProbeController {
  @Get()
  read(): { ok: true } {
    return { ok: true };
  }

  @Post()
  write(): { ok: true } {
    return { ok: true };
  }
}

describe('a route without a declaration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ controllers: [UndeclaredProbeController] });
  });
  afterAll(() => t.close());

  it('is found by the walk', () => {
    expect(registeredRoutes(t.app).filter((r) => r.access === undefined).map(tableKey).sort()).toEqual(['GET /api/probe', 'POST /api/probe']);
  });

  it('refuses API keys with 403, whatever their scopes', async () => {
    const key = await createApiKey(t.app, await createUser(t.app), ['*']);
    const res = await t.http().get('/api/probe').set('Authorization', `Bearer ${key}`).expect(403);
    expect(res.body).toEqual({ type: 'authentication_error', code: 'permission_denied', detail: 'This action does not support personal API key access', attr: null });
  });

  it('refuses sessions and anonymous callers too (default deny)', async () => {
    const { client } = await loggedInUser(t.app);
    expect((await client.get('/api/probe').expect(403)).body.code).toBe('permission_denied');
    await client.post('/api/probe').expect(403);
    await t.http().get('/api/probe').expect(401);
  });
});
