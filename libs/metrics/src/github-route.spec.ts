import { describe, expect, it } from '@jest/globals';
import { githubRouteLabel } from './github-route.js';

describe('githubRouteLabel', () => {
  it.each([
    ['GET', '/installation/repositories', undefined, 'GET /installation/repositories'],
    ['get', '/repos/{owner}/{repo}/branches', undefined, 'GET /repos/{owner}/{repo}/branches'],
    ['POST', '/app/installations/{installation_id}/access_tokens', undefined, 'POST /app/installations/{installation_id}/access_tokens'],
    // The paginator's later pages: absolute URLs from GitHub's Link header.
    ['GET', 'https://api.github.com/installation/repositories?per_page=100&page=2', 'https://api.github.com', 'GET /installation/repositories'],
    ['GET', 'https://api.github.com/repositories/123456/branches?page=3', 'https://api.github.com', 'GET /repositories/{repository_id}/branches'],
    ['GET', 'https://api.github.com/repos/Octo-Org/secret.repo/branches?page=2', 'https://api.github.com', 'GET /repos/{owner}/{repo}/branches'],
    ['GET', 'https://ghe.example.com/api/v3/user/installations?page=2', 'https://ghe.example.com/api/v3', 'GET /user/installations'],
    // Anything that still carries an id or a name is folded into `other`.
    ['GET', 'https://api.github.com/users/someone@example.com', 'https://api.github.com', 'GET other'],
    ['GET', 'https://api.github.com/installation/12345', 'https://api.github.com', 'GET other'],
    ['GET', 'not a url://', undefined, 'GET other'],
    [undefined, undefined, undefined, 'GET other'],
  ])('%s %s → %s', (method, url, base, label) => {
    expect(githubRouteLabel(method, url, base)).toBe(label);
  });
});
