/** What the app holds of a user's file, and reading it when needed. */
import { measureInput, measureRanges } from '../core/audit/limits';
import { INPUT_HEAD_BYTES, type InputFile } from '../core/audit/types';

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
