/** Every Redis key of the GitHub cache (all under `gh:`; ids are GitHub's numeric ids). */
export const cacheKeys = {
  /** HASH: status, version, synced_at, total, etag, err_at, err_code, err_retry. */
  meta: (iid: number | string) => `gh:inst:${iid}:meta`,
  /** STRING: the repository snapshot (JSON) of one version; one version is kept. */
  repos: (iid: number | string, version: string) => `gh:inst:${iid}:repos:${version}`,
  /** STRING: a repository's branches (JSON), or a "not visible" marker. */
  branches: (iid: number | string, repo: string) => `gh:inst:${iid}:br:${repo.toLowerCase()}`,
  /** STRING: a repository's default branch. */
  defaultBranch: (iid: number | string, repo: string) => `gh:inst:${iid}:defbr:${repo.toLowerCase()}`,
  /** STRING: auth-app's cache entry (the installation token). */
  token: (authAppKey: string) => `gh:token:${authAppKey}`,
  /** STRING: JSON `{userId, flow, installationId?}` of a connect `state`. */
  connectState: (state: string) => `gh:oauthstate:${state}`,
  /** STRING: the state `prepare_callback` seeded for (user, installation). */
  connectPending: (userId: number, iid: number | string) => `gh:oauthpending:${userId}:${iid}`,
  /** STRING: a webhook delivery already accepted. */
  delivery: (id: string) => `gh:wh:delivery:${id}`,
  /** Pattern of every key of one installation (for purging). */
  installationPattern: (iid: number | string) => `gh:inst:${iid}:*`,
};
