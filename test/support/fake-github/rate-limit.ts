// GitHub's primary rate limit: a counter per identity (an installation's tokens share one, a user
// token has its user's) over an hour window. Answers that are 304 do not count.
import type { RateLimitState } from './types.js';

export class RateLimiter {
  private readonly windows = new Map<string, RateLimitState>();

  constructor(private readonly limit: number) {}

  peek(identity: string): RateLimitState {
    const nowS = Math.floor(Date.now() / 1000);
    let state = this.windows.get(identity);
    if (!state || state.reset <= nowS) {
      state = { limit: identity === 'anonymous' ? 60 : this.limit, remaining: identity === 'anonymous' ? 60 : this.limit, used: 0, reset: nowS + 3600 };
      this.windows.set(identity, state);
    }
    return state;
  }

  spend(identity: string): RateLimitState {
    const state = this.peek(identity);
    if (state.remaining > 0) {
      state.remaining--;
      state.used++;
    }
    return state;
  }

  headers(state: RateLimitState): Record<string, string> {
    return {
      'x-ratelimit-limit': String(state.limit),
      'x-ratelimit-remaining': String(state.remaining),
      'x-ratelimit-reset': String(state.reset),
      'x-ratelimit-used': String(state.used),
      'x-ratelimit-resource': 'core',
    };
  }
}
