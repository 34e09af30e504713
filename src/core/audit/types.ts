/** What an audit takes in and gives back: the contract between the core, the CLI and the app. */
import type { DateOrder, Refusal, Reject, SlipTypeId } from '../types';
import type { ByteRanges } from '../ingest/fast-utf8-scan';

/** The head of a file handed over in ranges (InputFile.bytes): what format sniffing reads. */
export const INPUT_HEAD_BYTES = 64 * 1024;

/** All of a file's bytes: read whole from its ranges when it was handed over so. */
export async function wholeBytes(file: InputFile): Promise<Uint8Array> {
  return file.ranges ? file.ranges.read(0, file.ranges.size) : file.bytes;
}

/** A file the user handed over. `type` forces the slip type (`--type TYPE=FILE`, or the app's picker). */
export interface InputFile {
  name: string;
  /** The file's bytes; with `ranges`, only its head (at least INPUT_HEAD_BYTES, or all of a smaller file). */
  bytes: Uint8Array;
  /**
   * The file read a range at a time, for a caller that does not hold it whole (the browser's
   * File): the UTF-8 fast path reads it so, every other path reads it whole when it comes to it.
   */
  ranges?: ByteRanges;
  type?: SlipTypeId;
  /** Column mapping chosen by the user (source header → canonical field), for files whose headers are not recognised. */
  mapping?: Record<string, string>;
  /** SHA-256 of `bytes` when the caller has it already (hashing 200 MB takes a while). */
  sha256?: string;
  /**
   * The file as the platform holds it (the browser's File), for an engine that can read it
   * itself, piece by piece (Engine.registerHandle), instead of being handed its bytes.
   */
  handle?: unknown;
}

/**
 * An input read only when its turn comes (while the file before it loads): the loader lets
 * each file's bytes go once it is loaded, so an audit of several gigabytes holds at most two
 * files at a time.
 */
export interface LazyInputFile {
  name: string;
  read(): Promise<InputFile>;
}

export interface LoadOptions {
  dateOrder?: DateOrder;
  onProgress?: (p: LoadProgress) => void;
  /** When a text file is read piece by piece instead of as one string (default: TEXT_STREAMING). */
  textStreaming?: { minBytes: number; chunkBytes: number };
  /** Parts a text file read whole goes to DuckDB in (bytes; the browser's TEXT_PART_BYTES, tests' small): one part by default. */
  textPartBytes?: number;
}

export interface LoadProgress {
  file: string;
  phase: 'read' | 'parse' | 'load';
  /** Rows handled so far in this file, when known. */
  rows: number;
  /** Index of the file (0-based) and the number of files. */
  index: number;
  total: number;
}

/** One table of the load report (a file, or a sheet of a workbook): summary.json's `files` entries. */
export interface TableReport {
  name: string;
  sha256: string;
  sheet: string;
  slip_type: SlipTypeId | '';
  encoding: string;
  status: 'loaded' | 'refused' | 'skipped';
  /** Reason code and its parameters, for refused/skipped tables ('' when loaded). */
  reason: string;
  refusal?: Refusal;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rows_blank: number;
  rows_totals: number;
  /** Headers found (for type detection failures and the mapping step). */
  headers?: string[];
  /** Source header → canonical field actually used. */
  mapping?: Record<string, string>;
  /** Spreadsheet row number of the header row (1-based). */
  header_row?: number;
}

export interface LoadReport {
  tables: TableReport[];
  rejects: Reject[];
}
