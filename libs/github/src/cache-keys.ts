/**
 * Every Redis key of the GitHub cache (all under `gh:`; ids are GitHub's numeric ids). An
 * installation's keys share the hash tag `{<iid>}`, so its transactions and scripts stay in one
 * slot of a Redis Cluster (docs/operations.md).
 */
const inst = (iid: number | string) => `gh:inst:{${iid}}`;

export const cacheKeys = {
  /** HASH: status, version, synced_at, total, etag, err_at, err_code, err_retry, brerr:<repo>. */
  meta: (iid: number | string) => `${inst(iid)}:meta`,
  /** STRING: the repository snapshot (JSON) of one version; one version is kept. */
  repos: (iid: number | string, version: string) => `${inst(iid)}:repos:${version}`,
  /** STRING: a repository's branches (JSON), or a "not visible" marker. */
  branches: (iid: number | string, repo: string) => `${inst(iid)}:br:${repo.toLowerCase()}`,
  /** STRING: a repository's default branch. */
  defaultBranch: (iid: number | string, repo: string) => `${inst(iid)}:defbr:${repo.toLowerCase()}`,
  /**
   * SET: the per-repository keys (branches, default branch) written for an installation, so purging
   * deletes keys it knows instead of scanning the keyspace.
   */
  repoKeys: (iid: number | string) => `${inst(iid)}:repokeys`,
  /**
   * STRING: auth-app's cache entry (the installation token). auth-app's key starts with the
   * installation id (`<iid>` or `<iid>|<repositories>|<permissions>`).
   */
  token: (authAppKey: string) => {
    const [iid, ...scope] = authAppKey.split('|');
    return `${inst(iid!)}:token${scope.length > 0 ? `:${scope.join('|')}` : ''}`;
  },
  /** STRING: JSON `{userId, flow, installationId?}` of a connect `state`. */
  connectState: (state: string) => `gh:oauthstate:${state}`,
  /** STRING: the state `prepare_callback` seeded for (user, installation). */
  connectPending: (userId: number, iid: number | string) => `gh:oauthpending:${userId}:${iid}`,
  /** STRING: a webhook delivery already accepted. */
  delivery: (id: string) => `gh:wh:delivery:${id}`,
};
