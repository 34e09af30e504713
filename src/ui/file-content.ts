/** What the app holds of a user's file, and reading it when needed. */
import { sha256Hex } from '../core/audit/hash';
import { measureInput } from '../core/audit/limits';
import { INPUT_HEAD_BYTES, type InputFile } from '../core/audit/types';
import type { ByteRanges, ScanResult, Stored } from '../core/ingest/fast-utf8-scan';
import { blobReader, inPassWorker } from './file-pass';

/**
 * A file's content: in the browser the user's File (a handle the browser keeps on disk or
 * in its own store), read again whenever the file is loaded or previewed, so the page does
 * not hold every file's bytes after loading them; bytes in Node.
 */
export type FileContent = Uint8Array | Blob;

export async function bytesOf(content: FileContent): Promise<Uint8Array> {
  return content instanceof Uint8Array ? content : new Uint8Array(await content.arrayBuffer());
}

/**
 * A file as the loader takes it. The user's File is handed over as its head and a way to read
 * ranges of it: the loader reads a text export a part at a time (and DuckDB reads it itself),
 * so even the largest file is never held whole in the page.
 */
export async function inputOf(content: FileContent, rest: Omit<InputFile, 'bytes' | 'ranges' | 'handle'>): Promise<InputFile> {
  if (content instanceof Uint8Array) return { ...rest, bytes: content };
  const ranges = { ...blobRanges(content), transcode: transcodeIn(content) };
  return { ...rest, bytes: await ranges.read(0, INPUT_HEAD_BYTES), ranges, handle: content };
}

/**
 * Files over this size are pre-passed in a worker of their own (file-pass.ts), whose buffers go
 * with it: read here, a file's buffer stays in the audit worker until its collector gets to it,
 * which it does late (a year's exit passes, receipts and requisitions left ~20-30 MB of them
 * there while the next files loaded). A smaller one is not worth starting a worker for.
 */
const PASS_IN_WORKER_BYTES = 1024 * 1024;

/** A Blob's bytes a range at a time. */
function blobRanges(blob: Blob): ByteRanges {
  return { size: blob.size, read: blobReader(blob), fresh: true, scan: blob.size > PASS_IN_WORKER_BYTES ? scanIn(blob) : undefined };
}

/**
 * Size in bytes and line breaks of each file, for the browser's budget check before anything
 * is loaded: Files are read in two workers of their own at once (file-pass.ts), the largest
 * files in one and the rest in the other.
 */
export async function measureFiles(contents: readonly FileContent[]): Promise<{ bytes: number; rows: number }[]> {
  const out: { bytes: number; rows: number }[] = [];
  const blobs: number[] = [];
  for (const [i, c] of contents.entries()) {
    if (c instanceof Uint8Array) out[i] = measureInput(c);
    else blobs.push(i);
  }
  await Promise.all(twoGroups(blobs, (i) => (contents[i] as Blob).size).map(async (group) => {
    const rows = await inPassWorker({ kind: 'count', blobs: group.map((i) => contents[i] as Blob) });
    group.forEach((i, k) => { out[i] = { bytes: (contents[i] as Blob).size, rows: rows[k] }; });
  }));
  return out;
}

/**
 * SHA-256 of each file: bytes here, Files in one worker of their own (file-pass.ts); `beside`
 * a load, a piece at a time, so that no file is held whole while DuckDB loads.
 */
export async function hashFiles(contents: readonly FileContent[], beside = false): Promise<string[]> {
  const out: string[] = [];
  const blobs: number[] = [];
  for (const [i, c] of contents.entries()) {
    if (c instanceof Uint8Array) out[i] = await sha256Hex(c);
    else blobs.push(i);
  }
  if (blobs.length === 0) return out;
  const hashed = await inPassWorker({ kind: 'hash', blobs: blobs.map((i) => contents[i] as Blob), pieces: beside });
  blobs.forEach((i, k) => { out[i] = hashed[k]; });
  return out;
}

/** `items` in at most two groups of about equal weight (largest first, each to the lighter group). */
function twoGroups<T>(items: readonly T[], weight: (item: T) => number): T[][] {
  const groups: { items: T[]; weight: number }[] = [{ items: [], weight: 0 }, { items: [], weight: 0 }];
  for (const item of [...items].sort((a, b) => weight(b) - weight(a))) {
    const g = groups[0].weight <= groups[1].weight ? groups[0] : groups[1];
    g.items.push(item);
    g.weight += weight(item);
  }
  return groups.filter((g) => g.items.length > 0).map((g) => g.items);
}

/** A File decoded from `label` and made UTF-8 (ByteRanges.transcode) in a worker of its own, into a Blob. */
const transcodeIn = (blob: Blob) => async (label: string, window: number): Promise<Stored> => {
  const utf8 = await inPassWorker({ kind: 'utf8', blob, label, window });
  return { ranges: blobRanges(utf8), handle: utf8 };
};

/** The loader's pre-pass over a File (ByteRanges.scan), in a worker of its own. */
const scanIn = (blob: Blob) => (delimiter: string, headerRow: number, width: number, window: number): Promise<ScanResult> =>
  inPassWorker({ kind: 'scan', blob, delimiter, headerRow, width, window });

