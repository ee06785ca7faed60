import type { ApiRequest, QueryParams } from './api-request.js';
import { validationError, type Page, type PageRequest } from '#libs/core';

export interface PageBody<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface PageLimits {
  defaultLimit?: number;
  maxLimit?: number;
}

/** Reads `limit` (1..max) and `offset` (>= 0) from the query; a bad value is a 400 naming it. */
export function parsePage(query: QueryParams, { defaultLimit = 100, maxLimit = 1000 }: PageLimits = {}): PageRequest {
  return {
    limit: parseBoundedInt(query.limit, 'limit', defaultLimit, 1, maxLimit),
    offset: parseBoundedInt(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

export function parseBoundedInt(raw: unknown, attr: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.trim())) {
    throw validationError('invalid_input', 'A valid integer is required.', attr);
  }
  const value = Number(raw.trim());
  if (value < min) throw validationError('min_value', `Ensure this value is greater than or equal to ${min}.`, attr);
  if (value > max) throw validationError('max_value', `Ensure this value is less than or equal to ${max}.`, attr);
  return value;
}

/** The paginated body, with absolute `next`/`previous` URLs built from the request. */
export function pageBody<T, R>(req: ApiRequest, request: PageRequest, page: Page<T>, present: (item: T) => R): PageBody<R> {
  const { limit, offset } = request;
  const link = (newOffset: number) => {
    const url = new URL(req.originalUrl, `${req.protocol}://${req.host}`);
    url.searchParams.set('limit', String(limit));
    if (newOffset > 0) url.searchParams.set('offset', String(newOffset));
    else url.searchParams.delete('offset');
    return url.toString();
  };
  return {
    count: page.count,
    next: offset + limit < page.count ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: page.items.map(present),
  };
}
