/**
 * What went wrong, independent of HTTP. The API's exception filter is the only place that maps a
 * kind to a status code and an error `type`; domain code never throws HTTP exceptions.
 */
export type DomainErrorKind =
  | 'validation'
  | 'not_authenticated'
  | 'authentication_failed'
  | 'permission_denied'
  | 'not_found'
  | 'gone'
  | 'conflict'
  | 'throttled'
  | 'upstream_failed'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly detail: string,
    readonly attr: string | null = null,
    /** Seconds after which the client may retry (sent as `Retry-After`). */
    readonly retryAfterS?: number,
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

/** A 400 on one input field (`attr`). */
export const validationError = (code: string, detail: string, attr: string | null = null) =>
  new DomainError('validation', code, detail, attr);

export const notFound = (detail = 'Not found.') => new DomainError('not_found', 'not_found', detail);

export const permissionDenied = (detail: string, code = 'permission_denied') =>
  new DomainError('permission_denied', code, detail);

export const conflict = (detail: string) => new DomainError('conflict', 'conflict', detail);

export const throttled = (retryAfterS: number) =>
  new DomainError(
    'throttled',
    'throttled',
    `Request was throttled. Expected available in ${retryAfterS} second${retryAfterS === 1 ? '' : 's'}.`,
    null,
    retryAfterS,
  );
