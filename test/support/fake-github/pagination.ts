// GitHub's list pagination: `per_page` (default 30, max 100), `page` (from 1), and a `Link` header
// with absolute `prev`/`next`/`last`/`first` URLs that keep the other query parameters.

export interface PageSlice<T> { items: T[]; page: number; perPage: number; link: string | undefined }

const intParam = (value: string | undefined, fallback: number): number => {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n >= 1 ? n : fallback;
};

export function paginate<T>(all: T[], requestUrl: URL): PageSlice<T> {
  const perPage = Math.min(intParam(requestUrl.searchParams.get('per_page') ?? undefined, 30), 100);
  const page = intParam(requestUrl.searchParams.get('page') ?? undefined, 1);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const at = (n: number) => {
    const u = new URL(requestUrl.href);
    u.searchParams.set('page', String(n));
    return u.href;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${at(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) rels.push(`<${at(page + 1)}>; rel="next"`, `<${at(lastPage)}>; rel="last"`);
  if (page > 1) rels.push(`<${at(1)}>; rel="first"`);
  return { items, page, perPage, link: rels.length ? rels.join(', ') : undefined };
}
