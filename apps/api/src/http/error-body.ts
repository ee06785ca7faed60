import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, type DomainErrorKind } from '#libs/core';

/** The one error body of the API. */
export interface ErrorBody {
  type: 'authentication_error' | 'invalid_request' | 'validation_error' | 'throttled_error' | 'server_error';
  code: string;
  detail: string;
  attr: string | null;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** Unexpected failures are logged in full; the body says nothing about them. */
  unexpected?: unknown;
}

/** The only place a domain error kind becomes an HTTP status and error type. */
const KINDS: Record<DomainErrorKind, { status: number; type: ErrorBody['type'] }> = {
  validation: { status: 400, type: 'validation_error' },
  not_authenticated: { status: 401, type: 'authentication_error' },
  authentication_failed: { status: 401, type: 'authentication_error' },
  permission_denied: { status: 403, type: 'authentication_error' },
  not_found: { status: 404, type: 'invalid_request' },
  gone: { status: 410, type: 'invalid_request' },
  conflict: { status: 409, type: 'server_error' },
  throttled: { status: 429, type: 'throttled_error' },
  upstream_failed: { status: 502, type: 'server_error' },
  unavailable: { status: 503, type: 'server_error' },
};

export const NOT_FOUND_BODY: ErrorBody = { type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null };

const SERVER_ERROR: ErrorBody = { type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null };

/** Framework errors by status: what Nest and Fastify raise on their own. */
function fromStatus(status: number, fallbackDetail: string): ErrorBody {
  switch (status) {
    case 400:
      return { type: 'invalid_request', code: 'invalid_input', detail: fallbackDetail, attr: null };
    case 401:
      return { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null };
    case 403:
      return { type: 'authentication_error', code: 'permission_denied', detail: 'You do not have permission to perform this action.', attr: null };
    case 404:
      return NOT_FOUND_BODY;
    case 405:
      return { type: 'invalid_request', code: 'method_not_allowed', detail: fallbackDetail, attr: null };
    case 413:
      return { type: 'invalid_request', code: 'request_too_large', detail: 'Request body is larger than 1 MiB.', attr: null };
    case 415:
      return { type: 'invalid_request', code: 'unsupported_media_type', detail: fallbackDetail, attr: null };
    case 429:
      return { type: 'throttled_error', code: 'throttled', detail: 'Request was throttled.', attr: null };
    default:
      return status >= 500 ? SERVER_ERROR : { type: 'invalid_request', code: 'error', detail: fallbackDetail, attr: null };
  }
}

/** A request body that is not valid JSON (raised by the JSON body parser). */
export class JsonParseError extends Error {}

/** Fastify's own request errors (body too large, bad content length...) carry their 4xx status. */
function clientStatusOf(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Maps anything thrown while serving a request to the error response. */
export function toErrorResponse(exception: unknown): ErrorResponse {
  if (exception instanceof DomainError) {
    const { status, type } = KINDS[exception.kind];
    const headers: Record<string, string> = {};
    if (exception.retryAfterS !== undefined) headers['Retry-After'] = String(exception.retryAfterS);
    return { status, headers, body: { type, code: exception.code, detail: exception.detail, attr: exception.attr } };
  }
  if (exception instanceof JsonParseError) {
    return {
      status: 400,
      headers: {},
      body: { type: 'invalid_request', code: 'parse_error', detail: `JSON parse error - ${exception.message}`, attr: null },
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const unexpected = status >= 500 ? exception : undefined;
    return { status, headers: {}, body: fromStatus(status, exception.message), unexpected };
  }
  if (isDatabaseWaitExceeded(exception)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      headers: { 'Retry-After': '1' },
      body: { type: 'server_error', code: 'service_unavailable', detail: 'The service is temporarily unavailable; retry shortly.', attr: null },
    };
  }
  const clientStatus = clientStatusOf(exception);
  if (clientStatus !== undefined) return { status: clientStatus, headers: {}, body: fromStatus(clientStatus, (exception as Error).message) };
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, headers: {}, body: SERVER_ERROR, unexpected: exception };
}

/**
 * A statement cancelled by `statement_timeout` (SQLSTATE 57014, lock waits included) or no pool
 * connection within `DATABASE_POOL_TIMEOUT_MS` (pg-pool's connection timeout): a transient 503
 * (docs/operations.md).
 */
function isDatabaseWaitExceeded(exception: unknown): boolean {
  const driverError = (exception as { driverError?: { code?: unknown } } | null)?.driverError;
  if (driverError?.code === '57014') return true;
  const message = exception instanceof Error ? exception.message : '';
  return message.includes('timeout exceeded when trying to connect') || message.includes('Connection terminated due to connection timeout');
}
