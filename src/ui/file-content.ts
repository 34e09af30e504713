/** What the app holds of a user's file, and reading it when needed. */
import { measureInput } from '../core/audit/limits';

/**
 * A file's content: in the browser the user's File (a handle the browser keeps on disk or
 * in its own store), read again whenever the file is loaded or previewed, so the page does
 * not hold every file's bytes after loading them; bytes in Node.
 */
export type FileContent = Uint8Array | Blob;

export async function bytesOf(content: FileContent): Promise<Uint8Array> {
  return content instanceof Uint8Array ? content : new Uint8Array(await content.arrayBuffer());
}

/** Size in bytes and line breaks of each file (read one at a time), for the browser's budget check before loading. */
export async function measureFiles(contents: readonly FileContent[]): Promise<{ bytes: number; rows: number }[]> {
  const out: { bytes: number; rows: number }[] = [];
  for (const c of contents) out.push(measureInput(await bytesOf(c)));
  return out;
}
