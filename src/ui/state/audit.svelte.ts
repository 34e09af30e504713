/**
 * The page's view of the audit: the latest snapshot from the worker, progress, busy and
 * error state, and the intents components dispatch (add files, retype, rule options).
 */
import type { AuditSnapshot, ProgressMessage, RuleOptions, WorkerApi } from '../rpc';
import type { SlipTypeId } from '../../core/types';
import { SAMPLE_FILES } from '../sample-data';

class AuditState {
  snapshot = $state<AuditSnapshot | null>(null);
  progress = $state<ProgressMessage | null>(null);
  busy = $state(false);
  error = $state('');
  /** Bumped after every run, so views that query the findings fetch again. */
  version = $state(0);
  options = $state<RuleOptions>({ asOf: null, disabled: [], params: {} });
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
    const items = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    await this.act((api) => api.addFiles(items));
  }

  /** Fetch the bundled sample exports from the app's own origin. */
  async loadSample(): Promise<void> {
    await this.act(async (api) => {
      const items = await Promise.all(SAMPLE_FILES.map(async (s) => {
        const res = await fetch(s.url);
        if (!res.ok) throw new Error(`${s.name}: HTTP ${res.status}`);
        return { name: s.name, bytes: new Uint8Array(await res.arrayBuffer()) };
      }));
      return api.addFiles(items);
    });
  }

  retype(name: string, type: SlipTypeId | ''): Promise<void> {
    return this.act((api) => api.retypeFile(name, type));
  }

  remove(name: string): Promise<void> {
    return this.act((api) => api.removeFile(name));
  }

  setOptions(patch: Partial<RuleOptions>): Promise<void> {
    this.options = { ...this.options, ...patch };
    const options = $state.snapshot(this.options);
    return this.act((api) => api.setRuleOptions(options));
  }
}

export const audit = new AuditState();
