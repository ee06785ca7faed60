import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { NOT_FOUND_BODY, type ErrorBody } from './error-body.js';

/**
 * Fastify's router refuses a path with bad percent-encoding or an over-long parameter before any
 * route runs. Both are a malformed id in a path, which the API answers with 404 `not_found` (docs/api.md, Requests and errors).
 */
export function answerRouterError(_error: Error, req: FastifyRequest, reply: FastifyReply): void {
  reply.status(404).header('x-request-id', req.id).send(NOT_FOUND_BODY);
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string; body: ErrorBody }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    body: { type: 'invalid_request', code: 'request_header_fields_too_large', detail: 'Request headers are too large.', attr: null },
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    body: { type: 'invalid_request', code: 'request_timeout', detail: 'The request took too long to arrive.', attr: null },
  },
};
const MALFORMED = {
  status: 400,
  reason: 'Bad Request',
  body: { type: 'invalid_request', code: 'invalid_input', detail: 'Malformed HTTP request.', attr: null } satisfies ErrorBody,
};

/**
 * Requests Node's HTTP parser rejects (headers too large, garbage, too slow) never reach Fastify:
 * they get the error body here, written straight to the socket, which is then closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, reason, body } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  }
  socket.destroy(error);
}
