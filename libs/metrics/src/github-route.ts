const TEMPLATE = /^\/[A-Za-z0-9_/{}-]*$/;

/**
 * The `route` label of a GitHub request: `METHOD /endpoint/template`. Octokit passes the template
 * (`/repos/{owner}/{repo}/branches`) for calls made by name; only the paginator's later pages come as
 * absolute URLs from GitHub's `Link` header, whose ids and names are folded back into placeholders.
 * Anything that still does not look like a template is `other`, so no URL ever becomes a label.
 */
export function githubRouteLabel(method: string | undefined, url: string | undefined, baseUrl?: string): string {
  const verb = (method ?? 'GET').toUpperCase();
  if (!url) return `${verb} other`;
  let path = url;
  if (url.includes('://')) {
    try {
      const parsed = new URL(url);
      path = parsed.pathname;
      const basePath = baseUrl ? new URL(baseUrl).pathname.replace(/\/+$/, '') : '';
      if (basePath && path.startsWith(`${basePath}/`)) path = path.slice(basePath.length);
    } catch {
      return `${verb} other`;
    }
    path = path
      .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}')
      .replace(/^\/repositories\/\d+/, '/repositories/{repository_id}')
      .replace(/^\/app\/installations\/\d+/, '/app/installations/{installation_id}')
      .replace(/^\/user\/installations\/\d+/, '/user/installations/{installation_id}');
  } else {
    path = path.split('?')[0]!;
  }
  return TEMPLATE.test(path) && !/\/\d+(\/|$)/.test(path) ? `${verb} ${path}` : `${verb} other`;
}
