import { z } from 'zod';
import type { Page, PageRequest } from '#libs/core';
import type { ApiRequest } from './api-request.js';

const INTEGER = 'A valid integer is required.';

/** An empty query value (`?limit=`) is an absent one, as in DRF. */
export const emptyAsAbsent = (value: unknown) => (value === '' ? undefined : value);

/**
 * An integer query parameter: digits (surrounding spaces ignored) within [min, max], `fallback`
 * when absent or empty; documented as an integer.
 */
export const queryInt = (fallback: number, min: number, max: number) =>
  z
    .preprocess(
      emptyAsAbsent,
      z
        .string({ error: INTEGER })
        .trim()
        .regex(/^-?\d+$/, { error: INTEGER })
        .transform(Number)
        .pipe(z.number().int().min(min).max(max))
        .optional()
        .default(fallback),
    )
    .meta({ type: 'integer', minimum: min, maximum: max, default: fallback });

/** `limit` (1..maxLimit, default defaultLimit) and `offset` (≥ 0): every paginated list's query. */
export const pageQuery = ({ defaultLimit = 100, maxLimit = 1000 }: { defaultLimit?: number; maxLimit?: number } = {}) =>
  z.object({
    limit: queryInt(defaultLimit, 1, maxLimit).describe('Number of results to return per page.'),
    offset: queryInt(0, 0, Number.MAX_SAFE_INTEGER).describe('The initial index from which to return the results.'),
  });
export const defaultPageQuery = pageQuery();
export type PageQuery = z.output<typeof defaultPageQuery>;

export interface PageBody<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
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
