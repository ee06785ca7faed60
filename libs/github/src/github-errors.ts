import { DomainError, notFound } from '#libs/core';

/** The API errors of the GitHub endpoints, with their exact messages. */
export const githubErrors = {
  integrationNotFound: () => notFound('No GitHub integration found for this installation.'),
  repositoryNotFound: () => notFound('Repository not found for this installation.'),
  installationDeleted: () =>
    new DomainError('gone', 'installation_deleted', 'This GitHub installation was removed on GitHub; connect it again.'),
  stillFetching: (what: 'Repositories' | 'Branches') =>
    new DomainError('unavailable', 'github_unavailable', `${what} are still being fetched from GitHub; retry shortly.`, null, 2),
  upstreamFailed: () =>
    new DomainError('upstream_failed', 'github_unavailable', 'GitHub could not be reached; the cached list was kept. Retry shortly.'),
  rateLimited: (retryAfterS: number) =>
    new DomainError('unavailable', 'github_rate_limited', 'GitHub rate limit reached for this installation; the cached list was kept.', null, Math.max(1, Math.ceil(retryAfterS))),
  notConfigured: () => new DomainError('validation', 'github_not_configured', 'GitHub App is not configured.'),
  allLinked: () => new DomainError('validation', 'invalid_input', 'All GitHub App installations accessible to your account are already linked.'),
};
