/**
 * The one seam between the core and a database. The core assembles SQL and hands
 * over columnar text; an engine (native DuckDB for the CLI, DuckDB-WASM in the
 * browser) runs it. Implementations live in src/engine/ and are created only by
 * the entry points (src/cli/main.ts, the browser worker), then passed in.
 */
export type Row = Record<string, string | number | boolean | null>;

export interface Engine {
  /** Which build answers: `native` or `wasm`, with its DuckDB version. */
  readonly name: string;
  /**
   * Create table `name` with the given VARCHAR columns and fill it in bulk.
   * `data[c][r]` is column c, row r; null is SQL NULL. Replaces an existing table.
   */
  loadColumns(name: string, columns: readonly string[], data: readonly (readonly (string | null)[])[]): Promise<void>;
  /**
   * Optional: make UTF-8 `text` readable by SQL (`read_csv`) under the returned path until
   * `release` is called. Lets the loader hand a whole text export to DuckDB's own CSV reader
   * instead of parsing it cell by cell in JavaScript; without it the loader does that.
   */
  registerText?(text: string): Promise<{ path: string; release(): Promise<void> }>;
  /**
   * Optional: as registerText, for a text too large for one string (JavaScript strings stop
   * near 512 M characters): the pieces are written one after another as they come.
   */
  registerTextChunks?(chunks: Iterable<string>): Promise<{ path: string; release(): Promise<void> }>;
  /**
   * Optional: as registerText, for text the caller already holds as UTF-8 bytes (a UTF-8
   * file as read), which then need not be encoded again. The engine may take the bytes over
   * (the browser's moves them to DuckDB's worker): the caller does not read them afterwards,
   * unless it asks to `keep` them (the engine then takes a copy if it would take them).
   */
  registerBytes?(bytes: Uint8Array, keep?: boolean): Promise<{ path: string; release(): Promise<void> }>;
  /**
   * Optional: as registerBytes, for the file itself (InputFile.handle), which the engine reads
   * piece by piece when SQL reads it: the browser's DuckDB then never holds the whole file.
   * With a `range`, only those bytes of it. Null when it cannot read this kind of handle.
   */
  registerHandle?(handle: unknown, range?: readonly [number, number]): Promise<{ path: string; release(): Promise<void> } | null>;
  /**
   * Optional: registerHandle will soon be asked for this range of the handle (the next part of
   * a file being loaded). An engine that copies a handle's bytes before DuckDB reads them starts
   * the copy now, beside the work on the part before.
   */
  prepareHandle?(handle: unknown, range: readonly [number, number]): void;
  /** Run statements that return nothing. */
  exec(sql: string): Promise<void>;
  /**
   * Run one query. Values come back as JS strings, numbers, booleans or null: callers
   * cast DECIMAL, DATE and TIMESTAMP columns to VARCHAR (or DOUBLE) in the SQL so that
   * every engine returns the same text.
   */
  query<R extends Row = Row>(sql: string): Promise<R[]>;
  close(): Promise<void>;
}
