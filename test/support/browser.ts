import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/**
 * A real browser in front of the real API, the way a web frontend on another origin of the same
 * site uses it (docs/api.md, "Browser sessions"): a static page on `http://app.site.localhost:<p1>`
 * calls the API on `http://api.site.localhost:<p2>` with `credentials: 'include'`.
 *
 * Two subdomains of `site.localhost` are one site to Chromium, so the API's SameSite=Lax cookies
 * flow on those calls, while the page cannot read them (another origin): the CSRF token comes from
 * `GET /api/csrf/`. Chromium resolves `*.localhost` to loopback by itself; the resolver rule below
 * only pins it to 127.0.0.1, where both servers listen. Node-side requests use 127.0.0.1 directly.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP *.localhost 127.0.0.1',
];

/** A file the frontend origin serves (besides `/`, the page). */
export interface StaticFile {
  contentType: string;
  body: string | Buffer;
}

export interface BrowserSiteOptions {
  /**
   * Options for the API under test; `CORS_ORIGINS` is set to the frontend origin (plus any given).
   * A function gets the frontend's origin first (e.g. for `FRONTEND_URL`, which passkeys are bound to).
   */
  testApp?: TestAppOptions | ((appOrigin: string) => TestAppOptions);
  /** Extra `<head>` content of the page (e.g. `<script src="/webauthn.js"></script>`). */
  head?: string;
  /** Extra files served by the frontend origin, by path (e.g. `'/webauthn.js'`). */
  files?: Record<string, StaticFile>;
}

export interface BrowserSite {
  /** The page, already loaded from `appOrigin`. Its `window.api(method, path, {body, headers})` calls the API. */
  page: Page;
  context: BrowserContext;
  browser: Browser;
  /** `http://app.site.localhost:<p1>` — the frontend's origin. */
  appOrigin: string;
  /** `http://api.site.localhost:<p2>` — the API's origin as the browser sees it. */
  apiOrigin: string;
  /** `http://127.0.0.1:<p2>` — the same API for Node-side requests. */
  apiUrl: string;
  /** The API under test (its database, Redis, Nest app). */
  t: TestApp;
  /** Closes the browser, both servers and the API (which empties its database). */
  close: () => Promise<void>;
}

/** What `window.api(...)` resolves to in the page. */
export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * The page's one helper: `fetch` to the API with the browser's cookies, JSON in and out. Plain
 * script text (no bundler); evaluated in the browser.
 */
const PAGE_SCRIPT = `
window.api = async function api(method, path, options) {
  const init = { method, credentials: 'include', headers: Object.assign({}, (options && options.headers) || {}) };
  if (options && options.body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(window.API_ORIGIN + path, init);
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  const headers = {};
  res.headers.forEach((value, name) => { headers[name] = value; });
  return { status: res.status, headers, body };
};
`;

function pageHtml(apiOrigin: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>frontend</title>
<script>window.API_ORIGIN = ${JSON.stringify(apiOrigin)};${PAGE_SCRIPT}</script>${head}</head>
<body><h1>frontend</h1></body></html>`;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Starts the frontend origin, the API (on a real port, allowing the frontend in `CORS_ORIGINS`) and
 * headless Chromium with one page open on the frontend. Call `close()` in `afterAll`.
 */
export async function startBrowserSite(options: BrowserSiteOptions = {}): Promise<BrowserSite> {
  let html = '';
  const files = options.files ?? {};
  const frontend = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = path === '/' ? { contentType: 'text/html; charset=utf-8', body: html } : files[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-store' }).end(file.body);
  });
  const appPort = await listen(frontend);
  const appOrigin = `http://app.site.localhost:${appPort}`;

  const given = (typeof options.testApp === 'function' ? options.testApp(appOrigin) : options.testApp) ?? {};
  const corsOrigins = [appOrigin, ...(given.config?.CORS_ORIGINS ?? [])];
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  try {
    t = await createTestApp({ ...given, config: { ...given.config, CORS_ORIGINS: corsOrigins } });
    await t.app.listen(0, '127.0.0.1');
    const apiPort = (t.app.getHttpServer().address() as AddressInfo).port;
    const apiOrigin = `http://api.site.localhost:${apiPort}`;
    html = pageHtml(apiOrigin, options.head);

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appOrigin}/`);
    const started = { t, browser };
    return {
      page,
      context,
      browser,
      appOrigin,
      apiOrigin,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      t,
      close: async () => {
        await started.browser.close();
        await new Promise<void>((resolve) => frontend.close(() => resolve()));
        await started.t.close();
      },
    };
  } catch (error) {
    await browser?.close();
    frontend.close();
    await t?.close();
    throw error;
  }
}

/** Calls the API from the page (`fetch` with credentials), as the frontend would. */
export function callApi(
  page: Page,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<PageResponse> {
  return page.evaluate(
    ([m, p, o]) => (globalThis as unknown as { api: (...a: unknown[]) => Promise<PageResponse> }).api(m, p, o),
    [method, path, options] as const,
  );
}
