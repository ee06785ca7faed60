import type { FastifyRequest } from 'fastify';

/** A query string as Fastify parses it: a repeated key is a list. */
export type QueryParams = Record<string, string | string[] | undefined>;

/** The request as controllers read it (query, URL for pagination links). */
export type ApiRequest = FastifyRequest<{ Querystring: QueryParams }>;
