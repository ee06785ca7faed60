// Builders of the JSON bodies GitHub returns, with every field its OpenAPI description requires
// (checked by test/e2e/github/fake-github.e2e-spec.ts). URLs point at the fake's own origin.
import { createHash } from 'node:crypto';
import type { FakeAccount, FakeInstallation, FakeRepo, FakeUser } from './model.js';

const CREATED_AT = '2020-01-01T00:00:00Z';
const DOCS = 'https://docs.github.com/rest';

export const nodeId = (kind: string, id: number): string => Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');

export const shaOf = (text: string): string => createHash('sha1').update(text).digest('hex');

export function simpleUser(base: string, account: { login: string; id: number; type: string }) {
  const u = `${base}/users/${account.login}`;
  return {
    name: null,
    email: null,
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `${base}/avatars/u/${account.id}?v=4`,
    gravatar_id: '',
    url: u,
    html_url: `${base}/${account.login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: account.type,
    site_admin: false,
    user_view_type: 'public',
  };
}

export function privateUser(base: string, user: FakeUser) {
  return {
    ...simpleUser(base, { login: user.login, id: user.id, type: 'User' }),
    bio: null,
    blog: '',
    company: null,
    email: null,
    followers: 0,
    following: 0,
    hireable: null,
    location: null,
    name: null,
    public_gists: 0,
    public_repos: 0,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    collaborators: 0,
    disk_usage: 0,
    owned_private_repos: 0,
    private_gists: 0,
    total_private_repos: 0,
    two_factor_authentication: true,
  };
}

export function repository(base: string, repo: FakeRepo, ownerAccount: FakeAccount) {
  const api = `${base}/repos/${repo.fullName}`;
  const html = `${base}/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: simpleUser(base, ownerAccount),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: html,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://127.0.0.1/${repo.fullName}.git`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@127.0.0.1:${repo.fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    svn_url: html,
    homepage: null,
    language: repo.language,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 108,
    default_branch: repo.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: repo.archived,
    disabled: false,
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    pushed_at: repo.pushedAt,
    created_at: CREATED_AT,
    updated_at: repo.pushedAt,
    permissions: { admin: false, maintain: false, push: repo.permissionsPush, triage: true, pull: true },
    network_count: 0,
    subscribers_count: 0,
  };
}

export const INSTALLATION_PERMISSIONS = { metadata: 'read', contents: 'read', pull_requests: 'read' } as const;
export const INSTALLATION_EVENTS = ['create', 'delete', 'push', 'repository'];

export function installation(base: string, app: { appId: string; appSlug: string }, inst: FakeInstallation) {
  return {
    id: inst.id,
    account: simpleUser(base, inst.account),
    repository_selection: inst.repositorySelection,
    access_tokens_url: `${base}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${base}/installation/repositories`,
    html_url:
      inst.account.type === 'Organization'
        ? `${base}/organizations/${inst.account.login}/settings/installations/${inst.id}`
        : `${base}/settings/installations/${inst.id}`,
    app_id: Number(app.appId),
    app_slug: app.appSlug,
    target_id: inst.account.id,
    target_type: inst.account.type,
    permissions: { ...INSTALLATION_PERMISSIONS },
    events: [...INSTALLATION_EVENTS],
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: inst.suspendedAt ? simpleUser(base, { login: 'suspender', id: 9_000_001, type: 'User' }) : null,
    suspended_at: inst.suspendedAt,
  };
}

export function branch(base: string, repo: FakeRepo, name: string) {
  const sha = shaOf(`${repo.fullName}@${name}`);
  return { name, commit: { sha, url: `${base}/repos/${repo.fullName}/commits/${sha}` }, protected: false };
}

/** GitHub's error body: `{message, documentation_url, status}` (status as a string, as GitHub sends it). */
export function githubError(message: string, status: number, documentationUrl = DOCS) {
  return { message, documentation_url: documentationUrl, status: String(status) };
}
