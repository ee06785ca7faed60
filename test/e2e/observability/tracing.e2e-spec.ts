import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { runMigrations } from '#libs/database';
import { ensureBuilt, freePort, runBuilt, spawnBuilt, type Spawned } from '../../support/build.js';
import { DEFAULT_PASSWORD } from '../../support/fixtures.js';
import { githubAppSettings, startFakeGithub, type FakeGithub } from '../../support/fake-github/index.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/test-env.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
  attrs: Record<string, unknown>;
}

const attrValue = (v: Record<string, unknown>) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;

/** A local OTLP/HTTP receiver (JSON encoding): every span posted to /v1/traces, with its service. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; paths: string[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of body.resourceSpans) {
          const service = String(attrValue(rs.resource.attributes!.find((a) => a.key === 'service.name')!.value));
          for (const ss of rs.scopeSpans) {
            for (const span of ss.spans) spans.push({ ...span, service, attrs: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, attrValue(a.value)])) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, spans, paths, server };
}

async function until<T>(find: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${summary()}`);
    await sleep(50);
  }
}

let summary = () => '';

/**
 * Tracing with the built api and worker processes and a local OTLP/HTTP receiver: one trace runs
 * from the api's `POST …/repos/refresh/` through the job into the worker's GitHub calls.
 */
describe('tracing (OpenTelemetry over OTLP/HTTP)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let gh: FakeGithub;
  let api: Spawned;
  let worker: Spawned | undefined;
  let startWorker: () => Spawned;
  let port: number;
  let key: string;
  const iid = 700_000 + Math.floor(Math.random() * 100_000);

  beforeAll(async () => {
    ensureBuilt();
    receiver = await startReceiver();
    summary = () => `${receiver.paths.slice(0, 3).join(', ')}; ${receiver.spans.map((s) => `${s.service} ${s.kind} ${s.name} ${s.traceId.slice(0, 6)}`).join('\n')}`;
    gh = await startFakeGithub();
    gh.addInstallation({ id: iid, account: { login: 'octo' }, repos: 150 });
    await runMigrations(TEST_DATABASE_URL);
    port = await freePort();
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: `trace-${randomBytes(4).toString('hex')}`,
      ...githubAppSettings(gh),
      GITHUB_REFRESH_WAIT_MS: '15000',
    };
    const email = `tracing-${randomBytes(4).toString('hex')}@example.com`;
    const cli = async (...args: string[]) => {
      const run = await runBuilt('apps/cli/src/main.js', args, env);
      if (run.code !== 0) throw new Error(run.stderr);
      return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    };
    const user = await cli('users:create', '--email', email, '--password', DEFAULT_PASSWORD);
    key = String((await cli('keys:create', '--email', email, '--label', 'tracing', '--scopes', 'user:read,user:write')).value);
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    await db.query(
      `INSERT INTO github_integrations (user_id, installation_id, account, repository_selection, github_user) VALUES ($1, $2, $3, 'all', $4)`,
      [user.id, iid, { type: 'User', login: 'octo', id: 1 }, { login: 'octo', id: 1 }],
    );
    await db.end();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' };
    startWorker = () => spawnBuilt('apps/worker/src/main.js', [], { ...env, ...otel });
    api = spawnBuilt('apps/api/src/main.js', [], { ...env, ...otel, PORT: String(port), LOG_LEVEL: 'info' });
    await api.waitFor(/Nest application successfully started/, 60_000);
    const health = `http://127.0.0.1:${port}/api/health`;
    await until(async () => ((await fetch(health).catch(() => undefined))?.ok ? true : undefined), 'the api to listen', 30_000);
  }, 240_000);

  afterAll(async () => {
    for (const p of [api, worker]) {
      if (p && p.child.exitCode === null) {
        p.child.kill('SIGTERM');
        await p.exited;
      }
    }
    await gh?.close();
    receiver?.server.close();
  });

  it('joins POST …/repos/refresh/ in the api to the GitHub calls the worker makes, in one trace', async () => {
    // The worker starts after the api has enqueued: its first stale sweep must not refresh the
    // installation first (the request would then be answered from the fresh cache, with no job).
    const answer = fetch(`http://127.0.0.1:${port}/api/users/@me/integrations/github/${iid}/repos/refresh/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}` },
    });
    await until(() => receiver.spans.find((s) => s.service === 'users-api' && s.kind === 4), 'the api enqueuing the refresh (BullMQ producer span)');
    worker = startWorker();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { repositories: unknown[] }).repositories).toHaveLength(150);

    // The api's server span, named by the route pattern (never the raw URL with the installation id).
    const root = await until(
      () => receiver.spans.find((s) => s.service === 'users-api' && s.kind === 2 && /^POST \/api\/users\/:\w+\/integrations\/github\/:\w+\/repos\/refresh/.test(s.name)),
      'the api span of POST …/repos/refresh/',
    );
    expect(root.name).not.toContain(String(iid));
    const inTrace = () => receiver.spans.filter((s) => s.traceId === root.traceId);
    // The worker's GitHub calls (Octokit's fetch) belong to the same trace.
    const githubCalls = await until(() => {
      const calls = inTrace().filter((s) => s.service === 'users-api-worker' && s.kind === 3 && String(s.attrs['url.full'] ?? '').includes('/installation/repositories'));
      return calls.length >= 2 ? calls : undefined;
    }, 'the worker GitHub calls in the api trace');
    expect(githubCalls.map((s) => String(s.attrs['url.full']))).toEqual(expect.arrayContaining([expect.stringContaining(gh.url)]));
    // The path: the api enqueues (BullMQ producer span) and the worker processes (consumer span). The
    // consumer span ends after the job, so it may come in a later export batch than the calls.
    await until(() => inTrace().find((s) => s.service === 'users-api-worker' && s.kind === 5), 'the worker consumer span in the api trace');
    const spans = inTrace();
    expect(spans.some((s) => s.service === 'users-api' && s.kind === 4)).toBe(true);
    // PostgreSQL (the API key lookup) and Redis spans are recorded in the api's trace too.
    expect(spans.some((s) => s.service === 'users-api' && (s.attrs['db.system'] === 'postgresql' || s.attrs['db.system.name'] === 'postgresql'))).toBe(true);
    expect(spans.some((s) => s.service === 'users-api' && (s.attrs['db.system'] === 'redis' || s.attrs['db.system.name'] === 'redis'))).toBe(true);
  }, 60_000);
});
