/** Cross-cutting domain primitives: coded errors and pagination windows. */
export {
  DomainError,
  conflict,
  notFound,
  permissionDenied,
  throttled,
  validationError,
  type DomainErrorKind,
} from './domain-error.js';
export type { Page, PageRequest } from './page.js';
export { MAX_QUOTED_LENGTH, quotable } from './quote.js';
export { SecretBox } from './secret-box.js';
export { isUuid } from './uuid.js';
export { bodyObject, fail, parseOrThrow, validationErrorFromIssue } from './zod-issue.js';
