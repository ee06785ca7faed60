import fastifyCookie from '@fastify/cookie';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import secureJson from 'secure-json-parse';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { requestIdFor } from '#libs/logging';
import { Metrics } from '#libs/metrics';
import { nameSpanByRoute, tracingStarted } from '#libs/tracing';
import { JsonParseError } from './http/error-body.js';
import { answerClientError, answerRouterError } from './http/framework-errors.js';
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
    trustProxy: config.TRUST_PROXY,
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: requestIdFor,
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
    // Fastify's own 503 while closing has its own body; requests that arrive then are served instead.
    return503OnClosing: false,
  });
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

  if (config.CORS_ORIGINS.length > 0) app.enableCors({ origin: config.CORS_ORIGINS, credentials: true });
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();

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
  try {
    done(null, secureJson.parse(body.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'ignore' }));
  } catch (error) {
    done(new JsonParseError((error as Error).message));
  }
}
