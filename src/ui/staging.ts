/**
 * Where the browser engine copies large Files for DuckDB to read (Staging, duckdb-browser.ts):
 * the origin's private file system, one folder per page, held by a Web Lock while the page
 * lives. Each copy goes as soon as DuckDB has read it; a folder whose lock nobody holds (its
 * page was closed or crashed while loading) is removed when the next page starts, so no copy
 * of the user's data outlives the page that made it for longer than that.
 */
import type { Staging } from '../engine/duckdb-browser';
import { inPassWorker } from './file-pass';

const ROOT = 'slip-audit-copies';

/** Undefined where the browser has no private file system or no Web Locks (Files are then read as they are). */
export async function openStaging(): Promise<Staging | undefined> {
  if (typeof navigator.storage?.getDirectory !== 'function' || typeof navigator.locks?.request !== 'function') return undefined;
  try {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT, { create: true });
    const id = crypto.randomUUID();
    await holdLock(`${ROOT}/${id}`);
    await removeStale(root);
    const dir = await root.getDirectoryHandle(id, { create: true });
    return {
      stage: (blob, name) => inPassWorker({ kind: 'stage', blob, dir: [ROOT, id], name }),
      remove: (name) => dir.removeEntry(name),
    };
  } catch {
    return undefined;
  }
}

/** The lock is held until the page (and this worker) ends. */
function holdLock(name: string): Promise<void> {
  return new Promise((held, failed) => {
    navigator.locks.request(name, () => {
      held();
      return new Promise<void>(() => {});
    }).catch(failed);
  });
}

async function removeStale(root: FileSystemDirectoryHandle): Promise<void> {
  const { held = [] } = await navigator.locks.query();
  const live = new Set(held.map((lock) => lock.name));
  const names: string[] = [];
  for await (const name of (root as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }).keys()) names.push(name);
  for (const name of names) {
    if (!live.has(`${ROOT}/${name}`)) await root.removeEntry(name, { recursive: true }).catch(() => {});
  }
}
