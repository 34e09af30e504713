/// <reference lib="webworker" />
/**
 * The audit worker: owns the DuckDB engine, the user's files and the latest run, so that
 * parsing, loading and rule queries never freeze the page. Calls are served one at a
 * time, in order, so a query never sees a half-built table.
 */
import { createBrowserEngine } from '../engine/duckdb-browser';
import { AuditSession } from './audit-session';
import { measureFiles } from './file-content';
import { passWorkerScript } from './file-pass';
import { openStaging } from './staging';
import type { CallMessage, FromWorker, ProgressMessage, WorkerApi } from './rpc';

/** The product's rule pack, bundled at build time. */
const RULE_FILES = Object.entries(
  import.meta.glob<string>('/rules/*.yaml', { query: '?raw', import: 'default', eager: true }),
).map(([path, text]) => ({ path: path.replace(/^\//, ''), text }));

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);
const progress = (p: Omit<ProgressMessage, 'kind'>) => post({ kind: 'progress', ...p });

let session: Promise<AuditSession> | null = null;
const getSession = () => {
  session ??= (async () => {
    progress({ stage: 'engine', file: '', rows: 0, index: 0, total: 0 });
    return new AuditSession(await createBrowserEngine(await openStaging()), RULE_FILES, progress);
  })();
  return session;
};

const api: WorkerApi = {
  async init() {
    // Fetched now, while the page has surely the network (file-pass.ts); if this fails, reading a file says so.
    passWorkerScript().catch(() => {});
    return { engine: (await getSession()).engine.name };
  },
  async addFiles(files) { return (await getSession()).addFiles(files); },
  measureFiles,
  async retypeFile(name, type) { return (await getSession()).retypeFile(name, type); },
  async removeFile(name) { return (await getSession()).removeFile(name); },
  async setRuleOptions(options) { return (await getSession()).setRuleOptions(options); },
  async findingsPage(filter, offset, limit) { return (await getSession()).findingsPage(filter, offset, limit); },
  async facets() { return (await getSession()).facets(); },
  async slipDetail(id) { return (await getSession()).slipDetail(id); },
  async rejects(offset, limit) { return (await getSession()).rejectsPage(offset, limit); },
  async exportFile(kind, lang) { return (await getSession()).exportFile(kind, lang); },
  async kpis() { return (await getSession()).kpis(); },
  async exportXlsx(kind, lang, headers) { return (await getSession()).exportXlsx(kind, lang, headers); },
  async previewTable(name, sheet) { return (await getSession()).previewTable(name, sheet); },
  async mapFile(name, type, mapping) { return (await getSession()).mapFile(name, type, mapping); },
  async setRules(pack, custom) { return (await getSession()).setRules(pack, custom); },
  async checkRules(files, withPack) { return (await getSession()).checkRules(files, withPack); },
  async ruleFiles() { return (await getSession()).getRuleFiles(); },
};

let queue: Promise<unknown> = Promise.resolve();

scope.onmessage = (e: MessageEvent<CallMessage>) => {
  const { id, method, args } = e.data;
  const run = () => (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  queue = queue.then(run).then(
    (value) => post({ kind: 'reply', id, ok: true, value }),
    (err: unknown) => post({ kind: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
};
