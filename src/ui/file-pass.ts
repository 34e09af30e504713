/**
 * The passes over a user's File besides DuckDB's own reading: counting its rows before anything
 * is loaded, hashing it (before loading, or while it loads), making a GB18030 file UTF-8
 * (ByteRanges.transcode), the loader's pre-pass (ByteRanges.scan) and the copies of large
 * parts DuckDB reads from the private file system (staging.ts). In the browser each
 * runs in a worker of its own that is ended when it answers, so the buffers it read, which a
 * worker's garbage collector frees late (after ~64 MB or more of them), go with it instead of
 * lingering in the audit worker beside DuckDB's heap. What the worker runs is here;
 * file-pass-worker.ts only answers messages with it.
 */
import { measuring } from '../core/audit/limits';
import { sha256Hex, sha256Stream } from '../core/audit/hash';
import { newTally } from '../core/ingest/fast-text-scan';
import { scanUtf8Ranges, type ScanResult } from '../core/ingest/fast-utf8-scan';
import passWorkerUrl from './file-pass-worker.ts?worker&url';

export type PassRequest =
  | { kind: 'count'; blobs: Blob[] }
  /** `pieces`: every file a piece at a time, even a small one (beside a load, where holding a file twice would add to the peak). */
  | { kind: 'hash'; blobs: Blob[]; pieces: boolean }
  | { kind: 'scan'; blob: Blob; delimiter: string; headerRow: number; width: number; window: number }
  | { kind: 'utf8'; blob: Blob; label: string; window: number }
  /** `dir`: the folders of the private file system the copy goes into, from its root. */
  | { kind: 'stage'; blob: Blob; dir: string[]; name: string };

/** What each kind of pass gives. */
interface PassResults { count: number[]; hash: string[]; scan: ScanResult; utf8: Blob; stage: FileSystemFileHandle }

/** A worker's answer: under its request's kind, or the error it met. */
export type PassAnswer =
  | { count: number[] } | { hash: string[] } | { scan: ScanResult } | { utf8: Blob } | { stage: FileSystemFileHandle } | { error: string };

export const blobReader = (blob: Blob) => async (from: number, to: number) => new Uint8Array(await blob.slice(from, to).arrayBuffer());

/**
 * Files up to this size are hashed by Web Crypto, read whole (three times as fast as hashing
 * in pieces, at the cost of holding the file twice for a moment); larger ones a piece at a time.
 */
export const WHOLE_HASH_BYTES = 64 * 1024 * 1024;

/**
 * Each piece of a File as the browser reads it as a stream: several times faster than in
 * slices, in pieces of ~64 kB that the garbage collector frees young.
 */
async function eachPiece(blob: Blob, use: (bytes: Uint8Array) => void): Promise<void> {
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    use(value);
  }
}

/**
 * A File decoded from `label` and made UTF-8, into a Blob (the browser keeps a Blob's bytes
 * itself, on disk when large; DuckDB then reads it as it reads a File). The file is read as a
 * stream and its UTF-8 gathered in one buffer of `window` bytes, each full buffer copied into
 * a Blob of its own: the same bytes as one decode of the whole (a streaming decoder gives the
 * same text, and encodeInto never splits a character), without a window's bytes, text and
 * UTF-8 left for the garbage collector at every window (the text of a 64 kB piece dies young).
 */
async function toUtf8Blob(blob: Blob, label: string, window: number): Promise<Blob> {
  const decoder = new TextDecoder(label, { ignoreBOM: true });
  const encoder = new TextEncoder();
  const out = new Uint8Array(Math.max(window, 4));
  const parts: Blob[] = [];
  let used = 0;
  const put = (text: string) => {
    for (;;) {
      const { read, written } = encoder.encodeInto(text, out.subarray(used));
      used += written;
      if (read === text.length) return;
      text = text.slice(read);
      parts.push(new Blob([out.subarray(0, used)]));
      used = 0;
    }
  };
  await eachPiece(blob, (bytes) => put(decoder.decode(bytes, { stream: true })));
  put(decoder.decode());
  if (used > 0) parts.push(new Blob([out.subarray(0, used)]));
  return new Blob(parts);
}

/**
 * A copy of a Blob in the origin's private file system (OPFS), written through a sync access
 * handle 16 MB at a time (reads of a Blob in one piece are several times faster than its stream
 * here; the worker, and the buffers with it, end when it answers).
 */
async function stageBlob(blob: Blob, path: readonly string[], name: string): Promise<FileSystemFileHandle> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path) dir = await dir.getDirectoryHandle(part, { create: true });
  const file = await dir.getFileHandle(name, { create: true });
  const handle = await file.createSyncAccessHandle();
  try {
    handle.truncate(0);
    const read = blobReader(blob);
    let at = 0;
    while (at < blob.size) {
      const bytes = await read(at, Math.min(at + STAGE_STEP, blob.size));
      if (bytes.length === 0) break;
      at += handle.write(bytes, { at });
    }
    if (at !== blob.size) throw new Error(`copying ${name}: ${at} of ${blob.size} bytes written`);
    handle.flush();
  } finally {
    handle.close();
  }
  return file;
}

const STAGE_STEP = 16 * 1024 * 1024;

/** A file's rows as the budget check counts them (limits.ts). */
async function countRows(blob: Blob): Promise<number> {
  const lines = measuring();
  await eachPiece(blob, (bytes) => lines.add(bytes));
  return lines.done(blob.size).rows;
}

async function hashBlob(blob: Blob, pieces: boolean): Promise<string> {
  if (!pieces && blob.size <= WHOLE_HASH_BYTES) return sha256Hex(new Uint8Array(await blob.arrayBuffer()));
  const digest = await sha256Stream();
  await eachPiece(blob, (bytes) => digest.update(bytes));
  return digest.hex();
}

export async function runPass(request: PassRequest): Promise<PassAnswer> {
  if (request.kind === 'count') {
    const rows: number[] = [];
    for (const blob of request.blobs) rows.push(await countRows(blob));
    return { count: rows };
  }
  if (request.kind === 'hash') {
    const hashes: string[] = [];
    for (const blob of request.blobs) hashes.push(await hashBlob(blob, request.pieces));
    return { hash: hashes };
  }
  if (request.kind === 'utf8') return { utf8: await toUtf8Blob(request.blob, request.label, request.window) };
  if (request.kind === 'stage') return { stage: await stageBlob(request.blob, request.dir, request.name) };
  const { blob, delimiter, headerRow, width, window } = request;
  const tally = newTally();
  const piece = await scanUtf8Ranges({ size: blob.size, read: blobReader(blob), fresh: true }, delimiter, headerRow, width, tally, window);
  return { scan: { piece, tally } };
}

/** The buffers an answer hands over instead of copying (the pre-pass's record offsets). */
export function transferables(answer: PassAnswer): Transferable[] {
  if (!('scan' in answer)) return [];
  const { piece } = answer.scan;
  return piece && typeof piece === 'object' ? [piece.starts.buffer, piece.ends.buffer, piece.status.buffer] : [];
}

/**
 * The pass worker's script, fetched once as the audit worker starts and kept as a blob: URL,
 * so that a pass can start after the network is gone (the app works offline once it has
 * loaded) and each file's pass does not fetch it again.
 */
let script: Promise<string> | null = null;
export function passWorkerScript(): Promise<string> {
  script ??= fetch(passWorkerUrl).then(async (res) => {
    if (!res.ok) throw new Error(`${passWorkerUrl}: HTTP ${res.status}`);
    return URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: 'text/javascript' }));
  });
  script.catch(() => { script = null; });
  return script;
}

/**
 * `request` in a worker of its own, ended when it answers; here where a worker cannot start
 * one (Node, and older browsers without workers started from workers). Throws the error the
 * pass met.
 */
export async function inPassWorker<R extends PassRequest>(request: R): Promise<PassResults[R['kind']]> {
  const answer = typeof Worker === 'undefined' ? await runPass(request) : await inWorker(request);
  if ('error' in answer) throw new Error(answer.error);
  return (answer as Record<string, unknown>)[request.kind] as PassResults[R['kind']];
}

async function inWorker(request: PassRequest): Promise<PassAnswer> {
  const url = await passWorkerScript();
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { type: 'module' });
    worker.onmessage = (e: MessageEvent<PassAnswer>) => {
      worker.terminate();
      resolve(e.data);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`reading the file failed: ${e.message || 'its worker stopped'}`));
    };
    worker.postMessage(request);
  });
}
