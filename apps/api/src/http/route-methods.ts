import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { METHODS } from 'node:http';

interface RouterLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * Answers "which methods does some route accept at this path?", so an unmatched request can be told
 * 405 (with `Allow`) rather than 404. Express itself has no notion of 405.
 */
@Injectable()
export class RouteMethods {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  allowed(path: string): string[] {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as { router?: { stack: RouterLayer[] } } | undefined;
    const methods = new Set<string>();
    for (const layer of instance?.router?.stack ?? []) {
      // Catch-alls answering every method (Nest's middleware mounts) are not endpoints.
      if (!layer.route || Object.keys(layer.route.methods).length >= METHODS.length) continue;
      try {
        if (layer.match(path)) {
          for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') methods.add(method.toUpperCase());
        }
      } catch {
        // A malformed path (bad percent-encoding) matches nothing.
      }
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}
