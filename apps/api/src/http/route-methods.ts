import { Injectable } from '@nestjs/common';
import FindMyWay, { type HTTPMethod } from 'find-my-way';

/**
 * Answers "which methods does some route accept at this path?", so an unmatched request can be told
 * 405 (with `Allow`) rather than 404. Fastify answers both with its not-found handler; this keeps a
 * second router (Fastify's own, find-my-way) fed with every registered route, by `configureApp`.
 */
@Injectable()
export class RouteMethods {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true });
  private readonly methods = new Set<HTTPMethod>();

  add(method: string | string[], url: string): void {
    // A catch-all (CORS's preflight answers OPTIONS on `*`) is not an endpoint of any path.
    if (url === '*' || url === '/*') return;
    for (const m of ([] as string[]).concat(method)) {
      const upper = m.toUpperCase() as HTTPMethod;
      this.methods.add(upper);
      this.router.on(upper, url, () => undefined);
    }
  }

  allowed(path: string): string[] {
    const allowed = new Set<string>();
    for (const method of this.methods) {
      try {
        if (this.router.find(method, path)) allowed.add(method);
      } catch {
        // A malformed path (bad percent-encoding) matches nothing.
      }
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  }
}
