import { Injectable, StandardSchemaValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { z } from 'zod';
import { bodyObject, validationErrorFromIssue } from '#libs/core';

/**
 * The one validation path (docs/architecture.md): every `@Body({ schema })`, `@Query({ schema })`
 * and `@Param({ schema })` is checked here against its zod schema, and the first issue becomes the
 * API's error body. zod is asked directly (with `reportInput`) rather than through the Standard
 * Schema interface, whose issues carry only a message and a path: the body needs the issue's code,
 * expected type and offending value.
 */
@Injectable()
export class ApiValidationPipe extends StandardSchemaValidationPipe {
  constructor() {
    super({ exceptionFactory: (issues) => validationErrorFromIssue(issues[0] as z.core.$ZodIssue) });
  }

  override async transform<T = unknown>(value: T, metadata: ArgumentMetadata): Promise<T> {
    // A missing or empty JSON body is an empty object; a list or a string is refused (DRF's rule).
    const input = metadata.schema && metadata.type === 'body' ? bodyObject(value) : value;
    return super.transform(input as T, metadata);
  }

  protected override validate<T = unknown>(value: unknown, schema: StandardSchemaV1): StandardSchemaV1.Result<T> {
    if (!(schema instanceof z.ZodType)) throw new TypeError('route schemas are zod schemas');
    const result = schema.safeParse(value, { reportInput: true });
    return result.success ? { value: result.data as T } : { issues: result.error.issues };
  }
}
