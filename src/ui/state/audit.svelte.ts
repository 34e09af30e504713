/**
 * The page's view of the audit: the latest snapshot from the worker, progress, busy and
 * error state, and the intents components dispatch (add files, retype, rule options).
 */
import type { AuditSnapshot, ProgressMessage, RuleOptions, WorkerApi } from '../rpc';
import type { SlipTypeId } from '../../core/types';
import type { TableReport } from '../../core/audit/types';
import { SAMPLE_FILES } from '../sample-data';
import { BROWSER_MAX_BYTES, BROWSER_MAX_ROWS, budgetRefusal } from '../../core/audit/limits';
import { t } from './i18n.svelte';
import { profileFor } from './profiles.svelte';
import { customRuleFile, customRules } from './custom-rules.svelte';

/** Refusals the mapping step can fix. */
export const MAPPABLE = new Set(['unknown-type', 'ambiguous-type', 'missing-columns']);
export const isMappable = (r: TableReport) => r.status === 'refused' && MAPPABLE.has(r.refusal?.code ?? '') && (r.headers?.length ?? 0) > 0;

class AuditState {
  snapshot = $state<AuditSnapshot | null>(null);
  progress = $state<ProgressMessage | null>(null);
  busy = $state(false);
  error = $state('');
  /** Bumped after every run, so views that query the findings fetch again. */
  version = $state(0);
  options = $state<RuleOptions>({ asOf: null, disabled: [], params: {} });
  /** The refused table whose column-mapping dialog is open. */
  mapping = $state<{ name: string; sheet: string } | null>(null);
  /** Milliseconds from the last "add files" to its findings (shown to the user, and read by the tests). */
  lastRunMs = $state<number | null>(null);
  /** Bytes of each file handed to the worker, for the browser's size limit across batches. */
  private sizes = new Map<string, number>();
  private api: WorkerApi | null = null;

  attach(api: WorkerApi): void {
    this.api = api;
  }

  get worker(): WorkerApi {
    if (!this.api) throw new Error('worker not attached');
    return this.api;
  }

  onProgress = (p: ProgressMessage): void => {
    this.progress = p;
  };

  private async act(work: (api: WorkerApi) => Promise<AuditSnapshot>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      this.snapshot = await work(this.worker);
      this.version++;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
      this.progress = null;
    }
  }

  async addFiles(files: readonly File[]): Promise<void> {
    const started = performance.now();
    const replaced = new Set(files.map((f) => f.name));
    const tables = (this.snapshot?.tables ?? []).filter((x) => x.status === 'loaded' && !replaced.has(x.name));
    const keptBytes = [...this.sizes].filter(([name]) => !replaced.has(name)).reduce((s, [, n]) => s + n, 0);
    const already = { bytes: keptBytes, rows: tables.reduce((s, x) => s + x.rows_read, 0) };
    // Refuse by size before reading anything: a file too big for the page must not be read into it.
    const size = files.reduce((s, f) => s + f.size, 0);
    if (keptBytes + size > BROWSER_MAX_BYTES) {
      this.error = tooLarge(keptBytes + size, already.rows);
      return;
    }
    // The worker reads the files (a File crosses to it by reference), so the page never holds their bytes.
    const refusal = budgetRefusal(await this.worker.measureFiles([...files]), already);
    if (refusal) {
      this.error = tooLarge(Number(refusal.detail?.bytes ?? size), Number(refusal.detail?.rows ?? 0));
      return;
    }
    for (const f of files) this.sizes.set(f.name, f.size);
    await this.act((api) => api.addFiles(files.map((f) => ({ name: f.name, content: f }))));
    await this.applyProfiles(new Set(files.map((f) => f.name)), true);
    this.lastRunMs = Math.round(performance.now() - started);
  }

  /**
   * Reload refused tables of these files with a saved mapping when their header set has
   * one; otherwise (when asked) open the mapping dialog on the first that needs it.
   */
  private async applyProfiles(names: ReadonlySet<string>, ask: boolean): Promise<void> {
    const refused = (this.snapshot?.tables ?? []).filter((t) => names.has(t.name) && isMappable(t));
    let first: TableReport | undefined;
    for (const t of refused) {
      const p = profileFor(t.headers ?? []);
      if (p) await this.mapFile(t.name, p.type, p.mapping);
      else first ??= t;
    }
    if (ask && first && !this.mapping) this.mapping = { name: first.name, sheet: first.sheet };
  }

  mapFile(name: string, type: SlipTypeId, mapping: Record<string, string>): Promise<void> {
    return this.act((api) => api.mapFile(name, type, mapping));
  }

  /** Send the custom rules (and an imported pack, when given) to the worker and run again. */
  applyRules(pack: { path: string; text: string }[] | null): Promise<void> {
    const custom = customRules.texts.map(customRuleFile);
    return this.act((api) => api.setRules(pack, custom));
  }

  /** Fetch the bundled sample exports from the app's own origin. */
  async loadSample(): Promise<void> {
    const started = performance.now();
    await this.act(async (api) => {
      const items = await Promise.all(SAMPLE_FILES.map(async (s) => {
        const res = await fetch(s.url);
        if (!res.ok) throw new Error(`${s.name}: HTTP ${res.status}`);
        return { name: s.name, content: await res.blob() };
      }));
      return api.addFiles(items);
    });
    this.lastRunMs = Math.round(performance.now() - started);
  }

  retype(name: string, type: SlipTypeId | ''): Promise<void> {
    return this.act((api) => api.retypeFile(name, type));
  }

  remove(name: string): Promise<void> {
    this.sizes.delete(name);
    return this.act((api) => api.removeFile(name));
  }

  setOptions(patch: Partial<RuleOptions>): Promise<void> {
    this.options = { ...this.options, ...patch };
    const options = $state.snapshot(this.options);
    return this.act((api) => api.setRuleOptions(options));
  }
}

export const audit = new AuditState();

/** The refusal shown when an audit is bigger than the browser can hold: names the limit, points to the CLI. */
function tooLarge(bytes: number, rows: number): string {
  return t('load.tooLarge', { mb: Math.round(bytes / 1e6), rows: rows.toLocaleString('en-US'), maxMb: Math.round(BROWSER_MAX_BYTES / 1e6), maxRows: BROWSER_MAX_ROWS.toLocaleString('en-US') });
}
