/**
 * Finding the header row and the slip type of a table (SLIPS.md §1): ERP exports put
 * titles and export dates above the header, and the same header word can belong to
 * several slip types, so the decision is made on the whole header set, never a guess.
 */
import type { Cell, SlipTypeDef, SlipTypeId } from '../types';
import { SLIP_TYPES, slipTypeDef } from '../schema/slip-types';
import { normaliseHeader } from './values';

/** How many rows from the top may hold the header. */
export const HEADER_SEARCH_ROWS = 20;
/** A row is a header when it names at least this many distinct fields of one type. */
export const MIN_HEADER_FIELDS = 3;

/** normalised alias → field name, per slip type. */
const ALIAS_INDEX: ReadonlyMap<SlipTypeId, ReadonlyMap<string, string>> = new Map(
  SLIP_TYPES.map((t) => {
    const index = new Map<string, string>();
    for (const f of t.fields) {
      for (const a of [f.name, ...f.aliases]) {
        const key = normaliseHeader(a);
        if (!index.has(key)) index.set(key, f.name);
      }
    }
    return [t.id, index];
  }),
);

/** Column index → canonical field, for one header row and one type. First column wins a field. */
export type ColumnMap = (string | null)[];

/** Map a header row's cells to a type's fields by alias (or by a user's mapping, header → field). */
export function mapColumns(headers: readonly string[], type: SlipTypeId, mapping?: Record<string, string>): ColumnMap {
  const index = ALIAS_INDEX.get(type);
  const byUser = mapping ? new Map(Object.entries(mapping).map(([h, f]) => [normaliseHeader(h), f])) : null;
  const taken = new Set<string>();
  return headers.map((h) => {
    const key = normaliseHeader(h);
    if (key === '') return null;
    const field = byUser ? byUser.get(key) : index?.get(key);
    if (!field || taken.has(field)) return null;
    taken.add(field);
    return field;
  });
}

export interface TypeScore {
  type: SlipTypeId;
  matched: number;
  requiredMatched: number;
  requiredTotal: number;
  missingRequired: string[];
}

/** Score every slip type against a header set; best first. */
export function scoreTypes(headers: readonly string[]): TypeScore[] {
  return SLIP_TYPES.map((t) => scoreType(headers, t))
    .sort((a, b) => b.matched - a.matched || b.requiredMatched - a.requiredMatched);
}

function scoreType(headers: readonly string[], t: SlipTypeDef): TypeScore {
  const fields = new Set(mapColumns(headers, t.id).filter((f): f is string => f !== null));
  const required = t.fields.filter((f) => f.required);
  const missingRequired = required.filter((f) => !fields.has(f.name)).map((f) => f.name);
  return {
    type: t.id, matched: fields.size, requiredMatched: required.length - missingRequired.length,
    requiredTotal: required.length, missingRequired,
  };
}

export type Detection =
  | { ok: true; headerRow: number; headers: string[]; type: SlipTypeId; columns: ColumnMap }
  | { ok: false; code: 'no-table' | 'unknown-type' | 'ambiguous-type' | 'missing-columns';
      headerRow: number | null; headers: string[]; candidates: SlipTypeId[]; missing: string[] };

/**
 * Find the header row and the slip type. `forced` is the user's choice of type (and
 * optionally a column mapping); without it the type must match all its required fields
 * and beat every other type on fields matched, then on required fields matched.
 */
export function detectTable(rows: readonly (readonly Cell[])[], forced?: { type?: SlipTypeId; mapping?: Record<string, string> }): Detection {
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  const textRows: string[][] = [];
  for (let i = 0; i < limit; i++) textRows.push(rows[i].map(cellText));

  const types = forced?.type ? [slipTypeDef(forced.type)!] : SLIP_TYPES;
  for (let i = 0; i < textRows.length; i++) {
    const headers = textRows[i];
    const best = types
      .map((t) => ({ t, n: new Set(mapColumns(headers, t.id, forced?.mapping).filter(Boolean)).size }))
      .reduce((a, b) => (b.n > a.n ? b : a));
    const need = forced?.mapping ? Math.min(MIN_HEADER_FIELDS, Object.keys(forced.mapping).length) : MIN_HEADER_FIELDS;
    if (best.n < need) continue;
    return decideType(i, headers, forced);
  }
  const headers = widestRow(textRows);
  return { ok: false, code: textRows.some((r) => r.some((c) => c !== '')) ? 'unknown-type' : 'no-table', headerRow: null, headers, candidates: [], missing: [] };
}

function decideType(headerRow: number, headers: string[], forced?: { type?: SlipTypeId; mapping?: Record<string, string> }): Detection {
  const cleanHeaders = headers.map((h) => h.trim());
  if (forced?.type) {
    const columns = mapColumns(headers, forced.type, forced.mapping);
    const have = new Set(columns);
    const missing = slipTypeDef(forced.type)!.fields.filter((f) => f.required && !have.has(f.name)).map((f) => f.name);
    if (missing.length) return { ok: false, code: 'missing-columns', headerRow, headers: cleanHeaders, candidates: [forced.type], missing };
    return { ok: true, headerRow, headers: cleanHeaders, type: forced.type, columns };
  }
  const eligible = scoreTypes(headers).filter((s) => s.missingRequired.length === 0 && s.matched >= MIN_HEADER_FIELDS);
  if (eligible.length === 0) {
    const near = scoreTypes(headers)[0];
    return { ok: false, code: 'unknown-type', headerRow, headers: cleanHeaders, candidates: [near.type], missing: near.missingRequired };
  }
  const [top, next] = eligible;
  if (next && next.matched === top.matched && next.requiredMatched === top.requiredMatched) {
    const tied = eligible.filter((s) => s.matched === top.matched && s.requiredMatched === top.requiredMatched).map((s) => s.type);
    return { ok: false, code: 'ambiguous-type', headerRow, headers: cleanHeaders, candidates: tied, missing: [] };
  }
  return { ok: true, headerRow, headers: cleanHeaders, type: top.type, columns: mapColumns(headers, top.type) };
}

function widestRow(rows: string[][]): string[] {
  let best: string[] = [];
  let bestCount = 0;
  for (const r of rows) {
    const n = r.filter((c) => c !== '').length;
    if (n > bestCount) { best = r; bestCount = n; }
  }
  return best.map((c) => c.trim()).filter((c) => c !== '');
}

/** A cell as header text. */
export function cellText(c: Cell | undefined): string {
  return c === null || c === undefined ? '' : String(c);
}
