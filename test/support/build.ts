import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// Written by every build; older than some source file means dist/ is stale.
const BUILT = join(ROOT, 'dist/apps/cli/src/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `npm run build`, unless dist/ is already newer than every source file (tests that spawn the
 * built processes share one build per change).
 */
export function ensureBuilt(): void {
  const sources = Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs')));
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs > sources) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
}

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal) once the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout contains `text`; rejects after `timeoutMs`. */
  waitFor: (text: string | RegExp, timeoutMs?: number) => Promise<void>;
}

/** Runs `node dist/<entry>` with `env` added to the test environment. */
export function spawnBuilt(entry: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, [join(ROOT, 'dist', entry), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (text: string | RegExp, timeoutMs = 15000) => {
    const found = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
    return new Promise<void>((resolve, reject) => {
      if (found()) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${text}\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
      const check = () => {
        if (!found()) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
      void exited.then(() => {
        clearTimeout(timer);
        if (found()) resolve();
        else reject(new Error(`process exited before ${text}\nstdout: ${out}\nstderr: ${err}`));
      });
    });
  };
  return { child, stdout: () => out, stderr: () => err, exited, waitFor };
}

/** Runs a built entry point to completion. */
export async function runBuilt(entry: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnBuilt(entry, args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** A local TCP port nothing listens on (free now: the probe server is closed again). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The JSON log lines of a process's output. */
export const jsonLines = (text: string) =>
  text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
