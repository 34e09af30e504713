/**
 * Typed slip tables in the engine: one table per slip type, named by the type id,
 * with the canonical fields typed (DATE, TIMESTAMP, DECIMAL, BOOLEAN, VARCHAR) and
 * the provenance columns every finding points back to.
 */
import type { Engine } from '../engine';
import type { FieldKind, SlipTypeDef, SlipTypeId } from '../types';
import { slipTypeDef } from '../schema/slip-types';
import { ident } from '../sql/sql';

/** Provenance columns on every slip table, after the canonical fields. */
export const META_COLUMNS = ['source_file', 'sheet', 'source_row', 'extras'] as const;

const SQL_TYPE: Record<FieldKind, string> = {
  text: 'VARCHAR', signature: 'VARCHAR', enum: 'VARCHAR',
  date: 'DATE', datetime: 'TIMESTAMP', number: 'DECIMAL(18,4)', duration: 'DECIMAL(18,4)', flag: 'BOOLEAN',
};

export function sqlType(kind: FieldKind): string {
  return SQL_TYPE[kind];
}

/** `CREATE TABLE` for a slip type, empty. */
export function tableDDL(def: SlipTypeDef): string {
  const cols = def.fields.map((f) => `${ident(f.name)} ${SQL_TYPE[f.kind]}`);
  cols.push('source_file VARCHAR', 'sheet VARCHAR', 'source_row INTEGER', 'extras VARCHAR');
  return `CREATE TABLE IF NOT EXISTS ${ident(def.id)} (${cols.join(', ')})`;
}

/**
 * Rows of one source table, already parsed to normalised text (see ParsedValue),
 * in columnar form: `columns[field]` has one entry per row; `meta` likewise.
 */
export interface ParsedRows {
  type: SlipTypeId;
  count: number;
  columns: Record<string, (string | null)[]>;
  source_file: string;
  sheet: string;
  source_row: number[];
  /** JSON object text of unknown extra columns per row, or null. */
  extras: (string | null)[];
}

let stageSeq = 0;

/**
 * Append parsed rows to the type's table: one bulk columnar load into a VARCHAR
 * staging table, then a single typed INSERT … SELECT inside the engine.
 */
export async function appendRows(engine: Engine, rows: ParsedRows): Promise<void> {
  const def = slipTypeDef(rows.type);
  if (!def) throw new Error(`appendRows: unknown slip type ${rows.type}`);
  await engine.exec(tableDDL(def));
  if (rows.count === 0) return;
  const stage = `_stage_${rows.type}_${++stageSeq}`;
  const names = [...def.fields.map((f) => f.name), ...META_COLUMNS];
  const data = [
    ...def.fields.map((f) => rows.columns[f.name] ?? new Array<string | null>(rows.count).fill(null)),
    new Array<string | null>(rows.count).fill(rows.source_file),
    new Array<string | null>(rows.count).fill(rows.sheet),
    rows.source_row.map(String),
    rows.extras,
  ];
  await engine.loadColumns(stage, names, data);
  const casts = def.fields.map((f) => `CAST(${ident(f.name)} AS ${SQL_TYPE[f.kind]})`);
  casts.push('source_file', 'sheet', 'CAST(source_row AS INTEGER)', 'extras');
  await engine.exec(`INSERT INTO ${ident(def.id)} SELECT ${casts.join(', ')} FROM ${ident(stage)}`);
  await engine.exec(`DROP TABLE ${ident(stage)}`);
}

/** Test and tool helper: load row objects (field → normalised text) as one source table. */
export async function appendObjects(
  engine: Engine, type: SlipTypeId, objects: Record<string, string | null>[],
  source = { file: 'test.csv', sheet: '' },
): Promise<void> {
  const def = slipTypeDef(type);
  if (!def) throw new Error(`appendObjects: unknown slip type ${type}`);
  const columns: Record<string, (string | null)[]> = {};
  for (const f of def.fields) columns[f.name] = objects.map((o) => o[f.name] ?? null);
  await appendRows(engine, {
    type, count: objects.length, columns, source_file: source.file, sheet: source.sheet,
    source_row: objects.map((_, i) => i + 2), extras: objects.map(() => null),
  });
}
