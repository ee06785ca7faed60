import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * An OpenAPI schema object from a zod schema, so request validation and the published document
 * come from one definition and cannot drift.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): SchemaObject {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json as SchemaObject;
}

/** A paginated list of `item`. */
export const paginated = (item: z.ZodType) =>
  z.object({
    count: z.number().int(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(item),
  });

export const errorBodySchema = z.object({
  type: z.enum(['authentication_error', 'invalid_request', 'validation_error', 'throttled_error', 'server_error']),
  code: z.string(),
  detail: z.string(),
  attr: z.string().nullable(),
});
