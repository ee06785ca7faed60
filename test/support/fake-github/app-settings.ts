import type { FakeGithub } from './types.js';

/** The service's GitHub settings that point it at this fake and its App credentials. */
export function githubAppSettings(gh: FakeGithub) {
  return {
    GITHUB_API_URL: gh.url,
    GITHUB_WEB_URL: gh.url,
    GITHUB_APP_ID: gh.appId,
    GITHUB_APP_SLUG: gh.appSlug,
    GITHUB_APP_CLIENT_ID: gh.clientId,
    GITHUB_APP_CLIENT_SECRET: gh.clientSecret,
    GITHUB_APP_PRIVATE_KEY: gh.privateKeyPem,
    GITHUB_WEBHOOK_SECRET: gh.webhookSecret,
  };
}
