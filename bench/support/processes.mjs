// Starting the built service and its baselines as child processes, shared by the benchmarks.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Runs a command to completion; resolves with its stdout when `capture` is set. */
export function run(cmd, args, env = {}, capture = false) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

/** Starts `node …args` and resolves once `ready` answers below 500 (20 s at most). */
export function start(args, env, ready) {
  const child = spawn('node', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.resume();
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 20000;
    const poll = async () => {
      try {
        if ((await fetch(ready)).status < 500) return resolve(child);
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) return reject(new Error(`${args[0]} did not start`));
      setTimeout(poll, 200);
    };
    poll();
  });
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One user with an organization and a `user:read` key, made with the built CLI; returns the key. */
export async function seedOneUserWithKey(databaseUrl, redisUrl) {
  await run('node', ['-e', `const r=new (require('ioredis').Redis)(${JSON.stringify(redisUrl)});r.flushdb().then(()=>r.quit())`]);
  const cli = (...args) => run('node', ['dist/apps/cli/src/main.js', ...args], { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }, true);
  await cli('users:create', '--email', 'bench@example.com', '--password', 'bench-password-123', '--first-name', 'Bench');
  await cli('orgs:create', '--name', 'Bench Org', '--owner', 'bench@example.com');
  const key = JSON.parse((await cli('keys:create', '--email', 'bench@example.com', '--label', 'bench', '--scopes', 'user:read')).trim().split('\n').at(-1));
  return key.value;
}
