/**
 * The findings list as the table sees it: the total for the current filter and the
 * pages fetched so far. Pages come from DuckDB on demand, so only what is on screen
 * (plus a margin) is ever in the page.
 */
import type { FindingRow, FindingsFilter } from '../rpc';
import { audit } from './audit.svelte';

export const PAGE = 200;

class FindingsStore {
  total = $state(0);
  loading = $state(false);
  pages = $state<Record<number, FindingRow[]>>({});
  private key = '';
  private generation = 0;
  private inflight = new Set<number>();
  private filter: FindingsFilter | null = null;

  /** Start over for a new filter or a new run. */
  reset(filter: FindingsFilter, version: number): void {
    const key = JSON.stringify([filter, version]);
    if (key === this.key) return;
    this.key = key;
    this.filter = filter;
    this.generation++;
    this.inflight.clear();
    this.pages = {};
    this.loading = true;
    void this.fetch(0);
  }

  /** Make sure the rows [first, last] are fetched. */
  ensure(first: number, last: number): void {
    for (let p = Math.floor(Math.max(0, first) / PAGE); p <= Math.floor(Math.max(0, last) / PAGE); p++) {
      if (p * PAGE >= this.total && p > 0) break;
      if (!this.pages[p] && !this.inflight.has(p)) void this.fetch(p);
    }
  }

  row(i: number): FindingRow | undefined {
    return this.pages[Math.floor(i / PAGE)]?.[i % PAGE];
  }

  private async fetch(page: number): Promise<void> {
    if (!this.filter) return;
    const generation = this.generation;
    this.inflight.add(page);
    try {
      const r = await audit.worker.findingsPage(this.filter, page * PAGE, PAGE);
      if (generation !== this.generation) return;
      this.total = r.total;
      this.pages[page] = r.rows;
    } catch (e) {
      if (generation === this.generation) audit.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.inflight.delete(page);
      if (generation === this.generation) this.loading = false;
    }
  }
}

export const findings = new FindingsStore();
