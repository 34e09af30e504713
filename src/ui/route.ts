/**
 * The address bar holds the view and the findings filter (`#/findings?rule=…&sev=…`),
 * so a filtered list can be bookmarked, reloaded or sent to a colleague.
 */
import type { FindingsFilter, SortKey } from './rpc';
import { EMPTY_FILTER } from './findings-sql';

export const VIEWS = ['load', 'rules', 'findings', 'kpis', 'export', 'report'] as const;
export type View = (typeof VIEWS)[number];

const PARAM: Record<Exclude<keyof FindingsFilter, 'desc'>, string> = {
  rule: 'rule', severity: 'sev', slipType: 'type', person: 'person', month: 'month', q: 'q', sort: 'sort',
};
const SORT_KEYS: readonly SortKey[] = ['rule_id', 'severity', 'slip_type', 'slip_no', 'date', 'responsible', 'amount', 'penalty', 'source_file'];

export interface Route { view: View; filter: FindingsFilter }

export function parseHash(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS as readonly string[]).includes(path) ? (path as View) : 'load';
  const params = new URLSearchParams(query);
  const filter: FindingsFilter = { ...EMPTY_FILTER };
  for (const [key, name] of Object.entries(PARAM) as [Exclude<keyof FindingsFilter, 'desc'>, string][]) {
    const v = params.get(name);
    if (v === null) continue;
    if (key === 'sort') filter.sort = SORT_KEYS.includes(v as SortKey) ? (v as SortKey) : EMPTY_FILTER.sort;
    else filter[key] = v;
  }
  filter.desc = params.get('desc') === '1';
  return { view, filter };
}

/** `#/load?sample=1` (what `npm start` opens): load the bundled sample data on arrival. */
export function wantsSample(hash: string, search: string): boolean {
  const query = hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get('sample') === '1' || new URLSearchParams(search).get('sample') === '1';
}

export function formatHash(route: Route): string {
  const params = new URLSearchParams();
  if (route.view === 'findings') {
    for (const [key, name] of Object.entries(PARAM) as [Exclude<keyof FindingsFilter, 'desc'>, string][]) {
      const v = route.filter[key];
      if (v !== EMPTY_FILTER[key]) params.set(name, v);
    }
    if (route.filter.desc) params.set('desc', '1');
  }
  const q = params.toString();
  return `#/${route.view}${q ? `?${q}` : ''}`;
}
