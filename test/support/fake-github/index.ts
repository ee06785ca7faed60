export { githubAppSettings } from './app-settings.js';
export { startFakeGithub } from './server.js';
export type { AuthKind, FakeGithub, FakeRepoSpec, FaultKind, FaultSpec, RateLimitState, RecordedCall, StartFakeGithubOptions } from './types.js';
