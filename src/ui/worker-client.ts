/** The page's end of the worker protocol: a typed proxy whose methods post a call and await its reply. */
import type { CallMessage, FromWorker, Method, ProgressMessage, WorkerApi } from './rpc';

export function connectWorker(worker: Worker, onProgress: (p: ProgressMessage) => void): WorkerApi {
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.kind === 'progress') return onProgress(m);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(e.message || 'worker error'));
    pending.clear();
  };
  const call = (method: Method, args: unknown[]): Promise<unknown> => {
    const id = ++next;
    const transfer = transferables(args);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'call', id, method, args } satisfies CallMessage, transfer);
    });
  };
  return new Proxy({} as WorkerApi, {
    get: (_, method: string) => (...args: unknown[]) => call(method as Method, args),
  });
}

/** File bytes move to the worker instead of being copied (a File or Blob is passed by reference anyway). */
function transferables(args: unknown[]): Transferable[] {
  const out: Transferable[] = [];
  for (const a of args) {
    if (!Array.isArray(a)) continue;
    for (const item of a) {
      const bytes = (item as { content?: unknown })?.content;
      if (bytes instanceof Uint8Array && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) out.push(bytes.buffer as ArrayBuffer);
    }
  }
  return out;
}
