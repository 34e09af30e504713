/**
 * One entry point for every file the user drops: content decides the reader,
 * so a renamed or "fake" file still lands in the right one.
 */
import type { ReadResult } from '../types';
import { readWorkbook } from './excel';
import { sniffFormat } from './sniff';
import { readTextFile } from './text-reader';

/** Past this no reader keeps the file in memory, in the browser or in Node. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Reads any supported file into raw tables, or says why not, so one bad file
 * never stops the others from loading.
 */
export function readFile(name: string, bytes: Uint8Array): ReadResult {
  if (bytes.length > MAX_FILE_BYTES) {
    return { ok: false, refusal: { code: 'too-large', detail: { bytes: bytes.length, maxBytes: MAX_FILE_BYTES } } };
  }
  const format = sniffFormat(name, bytes);
  switch (format) {
    case 'empty':
      return { ok: false, refusal: { code: 'empty' } };
    case 'binary':
      return { ok: false, refusal: { code: 'not-text' } };
    case 'text':
      return readTextFile(name, bytes);
    default:
      return readWorkbook(name, bytes);
  }
}
