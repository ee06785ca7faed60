// The bare baseline for the cached repos search: node:http answering
// `?search=&limit=&offset=` from an in-memory list, the same case-folded substring scan in the same
// order and the same body. It loads the list once at boot through the service's own repos route
// (pages of 500), so it serves exactly the snapshot the service serves.
// Env: REPOS_URL (the service's repos route), KEY (an API key), PORT.
import { createServer } from 'node:http';

const reposUrl = process.env.REPOS_URL;
const headers = { Authorization: `Bearer ${process.env.KEY}` };
const repos = [];
let first;
for (let offset = 0; ; offset += 500) {
  const res = await fetch(`${reposUrl}?limit=500&offset=${offset}`, { headers });
  if (!res.ok) throw new Error(`loading the list: ${res.status} ${await res.text()}`);
  const page = await res.json();
  first ??= page;
  repos.push(...page.repositories);
  if (!page.has_more) break;
}
const folded = repos.map((r) => r.full_name.toLowerCase());

createServer((req, res) => {
  const url = new URL(req.url, 'http://bare');
  const needle = (url.searchParams.get('search') ?? '').trim().toLowerCase();
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  let matches = repos;
  if (needle !== '') {
    matches = [];
    for (let i = 0; i < folded.length; i++) if (folded[i].includes(needle)) matches.push(repos[i]);
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({
    repositories: matches.slice(offset, offset + limit),
    has_more: offset + limit < matches.length,
    total: matches.length,
    refreshed_at: first.refreshed_at,
    stale: first.stale,
  }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare search listening on ${process.env.PORT}`));
