import fastifyCookie from '@fastify/cookie';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BlockList, isIPv4 } from 'node:net';
import { Logger } from 'nestjs-pino';
import secureJson from 'secure-json-parse';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { requestIdFor } from '#libs/logging';
import { Metrics } from '#libs/metrics';
import { ProcessLifecycle } from '#libs/runtime';
import { nameSpanByRoute, tracingStarted } from '#libs/tracing';
import { JsonParseError } from './http/error-body.js';
import { answerClientError, answerRouterError } from './http/framework-errors.js';
import { badStringInRequest, INVALID_HOST_BODY, isValidHost, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './http/hostile-input.js';
import { RouteMethods } from './http/route-methods.js';

export const MAX_BODY_BYTES = 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The unparsed body, for webhook signatures. */
    rawBody?: Buffer;
  }
}

/**
 * The HTTP server under Nest. Fastify rather than Express: on `GET /api/users/@me` it took a third
 * off the CPU per request (bench/foundation.md). Both `main.ts` and the tests create it here.
 */
export function createHttpAdapter(config: Pick<AppConfig, 'TRUST_PROXY'>): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: trustProxyFn(config.TRUST_PROXY),
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: requestIdFor,
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
    // Fastify's own 503 while closing has its own body; requests that arrive then are served instead.
    return503OnClosing: false,
  });
}

/**
 * Which hops of a request Fastify may believe (for `req.ip`, and `req.protocol` / `req.host` from
 * X-Forwarded-Proto/-Host): a function of (address, hop index from the socket). Fastify's own
 * `true` trusts every hop, so a client's leftmost X-Forwarded-For would be its address; a hop count
 * trusts exactly that many proxies; a list trusts the hops whose address is in it (docs/operations.md).
 * `undefined` when off.
 */
export function trustProxyFn(trust: AppConfig['TRUST_PROXY']): ((address: string, hop: number) => boolean) | undefined {
  if (trust === false) return undefined;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const proxies = new BlockList();
  for (const entry of trust) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) proxies.addAddress(address, family);
    else proxies.addSubnet(address, Number(prefix), family);
  }
  // IPv4-mapped IPv6 peers (`::ffff:10.0.0.1`) are matched against the IPv4 entries.
  return (address) => {
    const plain = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
    return proxies.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  };
}

/**
 * Everything `main.ts` and the tests both need: the request id, JSON-only body parsing with the
 * 1 MiB cap (parser errors become error bodies through the exception filter), cookies, CORS, the
 * `/api` prefix, 405 detection and the OpenAPI document. The app must be created with
 * `createHttpAdapter(...)` and `{ bodyParser: false }`.
 */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const config = app.get<AppConfig>(APP_CONFIG);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  app.useLogger(app.get(Logger));

  // On the raw request too: the logger (pino-http, as Nest middleware) reads it from there.
  fastify.addHook('onRequest', (req, reply, done) => {
    (req.raw as { id?: string }).id = req.id;
    reply.raw.setHeader('x-request-id', req.id);
    done();
  });
  // Before any route: absolute links (pagination, redirects) are built from the host, so it must be
  // one a URL can hold. Both the header and what trusted proxies say (docs/api.md).
  fastify.addHook('onRequest', (req, reply, done) => {
    const header = req.headers.host;
    if ((header !== undefined && !isValidHost(header)) || (req.host !== header && !isValidHost(req.host))) {
      reply.status(400).send(INVALID_HOST_BODY);
      return;
    }
    done();
  });
  if (config.METRICS_PORT !== undefined) {
    // Labelled by the matched route pattern (`/api/users/:uuid`), never the raw URL; Fastify already
    // times every reply, so the hook only reads the clock it keeps.
    const metrics = app.get(Metrics);
    fastify.addHook('onResponse', (req, reply, done) => {
      metrics.httpRequest(req.method, req.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  if (tracingStarted()) {
    fastify.addHook('onRequest', (req, _reply, done) => {
      nameSpanByRoute(req.method, req.routeOptions.url);
      done();
    });
  }
  const routeMethods = app.get(RouteMethods);
  fastify.addHook('onRoute', (route) => routeMethods.add(route.method, route.url));
  // After parsing, before the guard and the handler: a NUL or a lone surrogate in any string is a 400
  // whatever the route (docs/api.md, "Requests and errors").
  fastify.addHook('preHandler', (req, reply, done) => {
    const bad = badStringInRequest(req);
    if (bad) {
      reply.status(400).send(bad);
      return;
    }
    done();
  });
  fastify.decorateRequest('rawBody', undefined);
  fastify.decorateRequest('auth', undefined);

  fastify.removeAllContentTypeParsers();
  for (const type of ['application/json', /^application\/[^;]+\+json(;|$)/]) {
    fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, parseJson);
  }
  // The API speaks JSON only: any other body is refused before it reaches a route.
  fastify.addContentTypeParser('*', (req, _payload, done) => {
    const type = req.headers['content-type'];
    const detail = type ? `Unsupported media type "${type}" in request.` : 'Missing Content-Type: the API accepts application/json.';
    done(new UnsupportedMediaTypeException(detail), undefined);
  });
  await app.register(fastifyCookie);

  // No response of this API may be kept by a browser or proxy cache (docs/api.md): user bodies,
  // tokens and errors alike. Set when sending, so that every path (preflights, router 404s) has it.
  // From SIGTERM on, every response closes its connection: a keep-alive client reconnects (to
  // another replica) and the server can close as soon as the requests in flight are answered.
  const lifecycle = app.get(ProcessLifecycle);
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('cache-control', 'no-store');
    if (lifecycle.shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
  if (config.CORS_ORIGINS.length > 0) {
    const allowed = new Set(config.CORS_ORIGINS);
    app.enableCors({
      // `false` for any other origin: no CORS header at all, and its preflight is an ordinary
      // OPTIONS request (405 with the error body).
      origin: (origin: string | undefined, callback: (error: Error | null, allow: string | false) => void) =>
        callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Content-Type', 'X-CSRFToken', 'Authorization'],
      maxAge: 600,
      // An allowed origin's OPTIONS without Access-Control-Request-Method still gets the 204
      // preflight answer, not @fastify/cors's plain-text 400.
      strictPreflight: false,
    });
  }
  // Signals are handled by the entry point (start.ts: graceful shutdown), not by Nest's hooks.
  app.setGlobalPrefix('api');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Users API')
      .setDescription("PostHog's Users API: users, personal API keys, signal autonomy and personal GitHub integrations.")
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Personal API key (phx_…)' }, 'personal_api_key')
      .addCookieAuth('sessionid', { type: 'apiKey', in: 'cookie', name: 'sessionid' }, 'session')
      .addSecurityRequirements('personal_api_key')
      .addSecurityRequirements('session')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/schema', yamlDocumentUrl: 'api/schema.yaml' });
  return app;
}

/**
 * JSON bodies, keeping the raw bytes for webhook signatures; an empty body reads as `{}`. A
 * `__proto__` key is refused (as Fastify's own parser does), so no body can reach an object's
 * prototype through a later `Object.assign`.
 */
function parseJson(req: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void): void {
  req.rawBody = body;
  if (body.length === 0) return done(null, {});
  if (jsonNestsDeeperThan(body)) return done(new JsonParseError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels.`));
  try {
    done(null, secureJson.parse(body.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'ignore' }));
  } catch (error) {
    done(new JsonParseError((error as Error).message));
  }
}
