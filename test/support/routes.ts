import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { Access, type AccessRule } from '#libs/auth';

export interface RegisteredRoute {
  method: string;
  /** Full path with the `/api` prefix, no trailing slash, params as `:name`. */
  path: string;
  access: AccessRule | undefined;
  controller: string;
  handler: string;
}

const join = (...parts: string[]) =>
  `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;

/** Every controller route Nest registered in `app`, with its `Access` rule as the guard reads it. */
export function registeredRoutes(app: INestApplication, prefix = 'api'): RegisteredRoute[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: RegisteredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller || !wrapper.instance) continue;
    const basePaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, (...args: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name]!;
      const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (methodPaths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const access = reflector.getAllAndOverride(Access, [handler, controller]);
      for (const base of basePaths) {
        for (const path of ([] as string[]).concat(methodPaths)) {
          routes.push({ method, path: join(prefix, base, path), access, controller: controller.name, handler: name });
        }
      }
    }
  }
  return routes;
}
