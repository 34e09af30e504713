/** The current view and findings filter, mirrored to and from location.hash. */
import { formatHash, parseHash, type Route, type View } from '../route';
import type { FindingsFilter } from '../rpc';

export const route: Route = $state(parseHash(globalThis.location?.hash ?? ''));

function write(): void {
  const hash = formatHash(route);
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

export function listenToHash(): void {
  window.addEventListener('hashchange', () => {
    const next = parseHash(location.hash);
    route.view = next.view;
    route.filter = next.filter;
  });
}

export function go(view: View): void {
  route.view = view;
  const hash = formatHash(route);
  if (location.hash !== hash) history.pushState(null, '', hash);
}

export function setFilter(patch: Partial<FindingsFilter>): void {
  route.filter = { ...route.filter, ...patch };
  write();
}

/** Show the findings, filtered (chart clicks, rule counts). */
export function showFindings(patch: Partial<FindingsFilter>): void {
  route.filter = { ...parseHash('').filter, ...patch };
  go('findings');
}
