import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layout rules of the developers' guide, checked on the source text:
 * apps import libs only through `#libs/<name>`; libs never import apps; apps never import each
 * other; platform libs import no domain lib; libs form no cycle; controllers live only in apps/api
 * and BullMQ processors only in apps/worker.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLATFORM_LIBS = new Set(['config', 'core', 'database', 'redis', 'logging', 'metrics', 'tracing', 'runtime']);

type Sources = Map<string, string>;

function readSources(): Sources {
  const sources: Sources = new Map();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        sources.set(path, readFileSync(join(ROOT, path), 'utf8'));
      }
    }
  };
  walk('apps');
  walk('libs');
  return sources;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').matchAll(IMPORT)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

/** `apps/api`, `libs/auth`, or null for anything else. */
function unitOf(path: string): { kind: 'app' | 'lib'; name: string } | null {
  const [top, name] = path.split('/');
  if ((top === 'apps' || top === 'libs') && name) return { kind: top === 'apps' ? 'app' : 'lib', name };
  return null;
}

function violations(sources: Sources): string[] {
  const problems: string[] = [];
  const libEdges = new Map<string, Set<string>>();
  for (const [file, text] of sources) {
    const from = unitOf(file)!;
    for (const specifier of importsOf(text)) {
      let target: { kind: 'app' | 'lib'; name: string } | null = null;
      if (specifier.startsWith('#libs/')) {
        const [, name, ...rest] = specifier.split('/');
        if (rest.length > 0) problems.push(`${file}: deep import ${specifier} (use #libs/${name})`);
        target = { kind: 'lib', name: name! };
        if (from.kind === 'lib' && from.name === name) problems.push(`${file}: imports its own lib's barrel ${specifier}`);
      } else if (specifier.startsWith('.')) {
        const resolved = normalize(join(dirname(file), specifier)).split(sep).join('/');
        target = unitOf(resolved);
        if (target && !(target.kind === from.kind && target.name === from.name)) {
          if (target.kind === 'lib') problems.push(`${file}: deep import ${specifier} into libs/${target.name} (use #libs/${target.name})`);
        } else {
          target = null;
        }
      } else if (/^(?:\.\.\/)*(apps|libs)\//.test(specifier) || specifier.startsWith('@libs/')) {
        problems.push(`${file}: import ${specifier} bypasses #libs`);
      }
      if (!target) continue;
      if (target.kind === 'app' && from.kind === 'lib') problems.push(`${file}: lib ${from.name} imports app ${target.name}`);
      if (target.kind === 'app' && from.kind === 'app' && target.name !== from.name) {
        problems.push(`${file}: app ${from.name} imports app ${target.name}`);
      }
      if (target.kind === 'lib' && from.kind === 'lib' && target.name !== from.name) {
        if (PLATFORM_LIBS.has(from.name) && !PLATFORM_LIBS.has(target.name)) {
          problems.push(`${file}: platform lib ${from.name} imports domain lib ${target.name}`);
        }
        if (!libEdges.has(from.name)) libEdges.set(from.name, new Set());
        libEdges.get(from.name)!.add(target.name);
      }
    }
    const decorators = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
    if (/@Controller\s*\(/.test(decorators) && !file.startsWith('apps/api/')) problems.push(`${file}: @Controller outside apps/api`);
    if (/@Processor\s*\(/.test(decorators) && !file.startsWith('apps/worker/')) problems.push(`${file}: @Processor outside apps/worker`);
  }
  problems.push(...cycles(libEdges).map((cycle) => `import cycle between libs: ${cycle.join(' -> ')}`));
  return problems;
}

function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

// Each rule, shown to fire on a minimal tree, so the real check cannot pass vacuously.
const fires = (files: Record<string, string>) => violations(new Map(Object.entries(files)));

describe('architecture', () => {
  it('the source tree follows the layout rules', () => {
    const sources = readSources();
    expect(sources.size).toBeGreaterThan(20);
    expect(violations(sources)).toEqual([]);
  });


  it.each([
    ['a lib importing an app', { 'libs/users/src/a.ts': "import { ApiModule } from '../../../apps/api/src/api.module.js';" }, /lib users imports app api/],
    ['apps/api importing apps/worker', { 'apps/api/src/a.ts': "import { WorkerModule } from '../../worker/src/worker.module.js';" }, /app api imports app worker/],
    ['apps/worker importing apps/api', { 'apps/worker/src/a.ts': "export { X } from '../../api/src/x.js';" }, /app worker imports app api/],
    ['a deep #libs import', { 'apps/api/src/a.ts': "import { User } from '#libs/users/src/user.entity.js';" }, /deep import #libs\/users\/src/],
    ['a relative import into a lib', { 'apps/api/src/a.ts': "import { User } from '../../../libs/users/src/user.entity.js';" }, /deep import .* into libs\/users/],
    ['a relative import into another lib', { 'libs/auth/src/a.ts': "import type { User } from '../../users/src/user.entity.js';" }, /into libs\/users/],
    ['a platform lib importing a domain lib', { 'libs/core/src/a.ts': "import { UsersModule } from '#libs/users';" }, /platform lib core imports domain lib users/],
    ['a cycle between libs', { 'libs/auth/src/a.ts': "import { x } from '#libs/users';", 'libs/users/src/b.ts': "import { y } from '#libs/auth';" }, /import cycle between libs: (auth -> users -> auth|users -> auth -> users)/],
    ['a dynamic import of an app', { 'libs/auth/src/a.ts': "const m = await import('../../../apps/api/src/x.js');" }, /lib auth imports app api/],
    ['a @Controller outside apps/api', { 'libs/users/src/c.ts': "@Controller('users')\nexport class C {}" }, /@Controller outside apps\/api/],
    ['a @Processor outside apps/worker', { 'libs/github/src/p.ts': "@Processor('github')\nexport class P {}" }, /@Processor outside apps\/worker/],
    ['a @Processor in apps/api', { 'apps/api/src/p.ts': "@Processor('github')\nexport class P {}" }, /@Processor outside apps\/worker/],
  ])('catches %s', (_name, files, message) => {
    expect(fires(files).join('\n')).toMatch(message);
  });

  it('allows what the rules allow', () => {
    expect(
      fires({
        'apps/api/src/a.ts': "import { AuthModule } from '#libs/auth';\nimport { x } from './http/x.js';\n// @Processor('not code')",
        'apps/worker/src/p.ts': "@Processor('github')\nexport class P {}",
        'libs/auth/src/a.ts': "import { UsersModule } from '#libs/users';\nimport { y } from './y.js';",
        'libs/users/src/b.ts': "import { DomainError } from '#libs/core';",
        'libs/database/src/c.ts': "import { APP_CONFIG } from '#libs/config';",
      }),
    ).toEqual([]);
  });
});
