import { z } from 'zod';
import { emptyAsAbsent, queryInt } from '../http/page-query.js';

const NO_INTEGRATION = 'No GitHub integration found for this installation.';

/**
 * `{installation_id}` of a path: digits only (GitHub ids are positive integers); anything else
 * names no integration, so it is the integration's 404, not a 400.
 */
export const installationIdParam = z
  .string()
  .transform((raw, ctx) => {
    if (/^[1-9]\d{0,15}$/.test(raw)) return Number(raw);
    ctx.addIssue({ code: 'custom', message: NO_INTEGRATION, params: { notFound: true } });
    return z.NEVER;
  })
  .meta({ type: 'integer', minimum: 1, description: "The GitHub App installation's id." });

const search = z.string().optional().default('').describe('Case-insensitive substring of the name.');

/** `GET …/repos/`: PostHog's `search`, `limit` (1..500, default 100) and `offset`. */
export const reposQuery = z.object({
  search,
  limit: queryInt(100, 1, 500),
  offset: queryInt(0, 0, Number.MAX_SAFE_INTEGER),
});

const REPO_PART = /^[A-Za-z0-9_.-]+$/;

/** `GET …/branches/`: `repo` (owner/repo, required), then `search`, `limit` (1..1000) and `offset`. */
export const branchesQuery = z.object({
  repo: z.preprocess(
    emptyAsAbsent,
    z
      .string()
      .refine((repo) => {
        const parts = repo.split('/');
        return parts.length === 2 && parts.every((p) => REPO_PART.test(p) && p !== '.' && p !== '..');
      }, 'repo must be in owner/repo format')
      .describe('The repository, as owner/repo.'),
  ),
  search,
  limit: queryInt(100, 1, 1000),
  offset: queryInt(0, 0, Number.MAX_SAFE_INTEGER),
});
