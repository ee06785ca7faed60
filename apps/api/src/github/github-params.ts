import type { QueryParams } from '../http/api-request.js';
import { validationError } from '#libs/core';
import { githubErrors, type ReposQuery } from '#libs/github';
import { parseBoundedInt } from '../http/pagination.js';

/** `<installation_id>` of a path: digits only (GitHub ids are positive bigints), else 404. */
export function parseInstallationId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw githubErrors.integrationNotFound();
  return Number(raw);
}

function text(raw: unknown, attr: string): string {
  if (raw === undefined) return '';
  if (typeof raw !== 'string') throw validationError('invalid_input', 'Not a valid string.', attr);
  return raw;
}

export function reposQuery(query: QueryParams): ReposQuery {
  return {
    search: text(query.search, 'search'),
    limit: parseBoundedInt(query.limit, 'limit', 100, 1, 500),
    offset: parseBoundedInt(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

const REPO_PART = /^[A-Za-z0-9_.-]+$/;

/** `repo` (owner/repo, SPEC §4.6), then search/limit (1..1000)/offset. */
export function branchesQuery(query: QueryParams): ReposQuery & { repo: string } {
  if (query.repo === undefined || query.repo === '') throw validationError('required', 'This field is required.', 'repo');
  const repo = text(query.repo, 'repo');
  const parts = repo.split('/');
  const valid = parts.length === 2 && parts.every((p) => REPO_PART.test(p) && p !== '.' && p !== '..');
  if (!valid) throw validationError('invalid_input', 'repo must be in owner/repo format', 'repo');
  return {
    repo,
    search: text(query.search, 'search'),
    limit: parseBoundedInt(query.limit, 'limit', 100, 1, 1000),
    offset: parseBoundedInt(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}
