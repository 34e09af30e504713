/** What the app holds of a user's file, and reading it when needed. */
import { measureInput, measureRanges } from '../core/audit/limits';
import { INPUT_HEAD_BYTES, type InputFile } from '../core/audit/types';
import { hashBlob, sha256Hex } from '../core/audit/hash';
import type { HashReply, HashRequest } from './hash-worker';

/**
 * A file's content: in the browser the user's File (a handle the browser keeps on disk or
 * in its own store), read again whenever the file is loaded or previewed, so the page does
 * not hold every file's bytes after loading them; bytes in Node.
 */
export type FileContent = Uint8Array | Blob;

export async function bytesOf(content: FileContent): Promise<Uint8Array> {
  return content instanceof Uint8Array ? content : new Uint8Array(await content.arrayBuffer());
}

/** The size of a file's content in bytes, without reading it. */
export const sizeOf = (content: FileContent): number => (content instanceof Uint8Array ? content.length : content.size);

/** SHA-256 of a file's content, in hex. */
export type Hasher = (content: FileContent) => Promise<string>;

/** Hashing in the calling thread, the content read whole (Node, and small inputs). */
export const hashHere: Hasher = async (content) => sha256Hex(await bytesOf(content));

/**
 * Hashing in a worker of its own (src/ui/hash-worker.ts), a piece at a time: what the audit
 * worker uses for the user's Files, so that hashing runs beside the load and never holds a
 * file whole. The worker starts at once (while the page is surely online); should it fail,
 * the files are hashed here instead, the same way.
 */
export function workerHasher(): Hasher {
  let seq = 0;
  const waiting = new Map<number, { blob: Blob; resolve: (hex: string) => void; reject: (e: Error) => void }>();
  let worker: Worker | null = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<HashReply>) => {
    const r = e.data;
    const wait = waiting.get(r.id);
    waiting.delete(r.id);
    if ('hex' in r) wait?.resolve(r.hex);
    else wait?.reject(new Error(`hashing failed: ${r.error}`));
  };
  worker.onerror = (e) => {
    e.preventDefault();
    worker?.terminate();
    worker = null;
    for (const wait of waiting.values()) hashBlob(wait.blob).then(wait.resolve, wait.reject);
    waiting.clear();
  };
  return (content) => {
    if (content instanceof Uint8Array) return hashHere(content);
    if (!worker) return hashBlob(content);
    const id = ++seq;
    const done = new Promise<string>((resolve, reject) => waiting.set(id, { blob: content, resolve, reject }));
    worker.postMessage({ id, blob: content } satisfies HashRequest);
    return done;
  };
}

/**
 * A file as the loader takes it. The user's File is handed over as its head and a way to read
 * ranges of it: the loader reads a text export a part at a time (and DuckDB reads it itself),
 * so even the largest file is never held whole in the page.
 */
export async function inputOf(content: FileContent, rest: Omit<InputFile, 'bytes' | 'ranges' | 'handle'>): Promise<InputFile> {
  if (content instanceof Uint8Array) return { ...rest, bytes: content };
  const read = blobReader(content);
  return { ...rest, bytes: await read(0, INPUT_HEAD_BYTES), ranges: { size: content.size, read, fresh: true, spill: blobSpill }, handle: content };
}

/**
 * Bytes made from a file (a GB18030 export made UTF-8) gathered in a Blob, a piece at a
 * time: the browser keeps a Blob's bytes itself (on disk when large), so the page holds one
 * piece at a time; DuckDB then reads the Blob as it reads a File.
 */
function blobSpill() {
  let blob = new Blob([]);
  return {
    add(bytes: Uint8Array) { blob = new Blob([blob, bytes as Uint8Array<ArrayBuffer>]); },
    done() { return { ranges: { size: blob.size, read: blobReader(blob), fresh: true }, handle: blob }; },
  };
}

/** Size in bytes and line breaks of each file (read a piece at a time), for the browser's budget check before loading. */
export async function measureFiles(contents: readonly FileContent[]): Promise<{ bytes: number; rows: number }[]> {
  const out: { bytes: number; rows: number }[] = [];
  for (const c of contents) out.push(c instanceof Uint8Array ? measureInput(c) : await measureRanges(c.size, blobReader(c)));
  return out;
}

const blobReader = (blob: Blob) => async (from: number, to: number) => new Uint8Array(await blob.slice(from, to).arrayBuffer());
