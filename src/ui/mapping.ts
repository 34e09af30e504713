/**
 * The column-mapping step for files whose headers the alias dictionary does not know:
 * a first guess (aliases, then what the sample values look like), the check that every
 * required field is mapped, and the key under which a mapping is remembered (the
 * file's header set, normalised and sorted, so column order and spacing do not matter).
 */
import type { FieldDef, FieldKind, SlipTypeId } from '../core/types';
import { SLIP_TYPES, slipTypeDef } from '../core/schema/slip-types';
import { mapColumns, scoreTypes } from '../core/ingest/header';
import { normaliseHeader, parseValue } from '../core/ingest/values';

/** Source header → canonical field ('' = not used). */
export type Mapping = Record<string, string>;

export interface MappingProfile { name: string; key: string; type: SlipTypeId; mapping: Mapping }

export function headerKey(headers: readonly string[]): string {
  return [...new Set(headers.map(normaliseHeader).filter((h) => h !== ''))].sort().join('\u001f');
}

/** The type to start from: the loader's candidate, else the best-scoring type when any header matched. */
export function suggestType(headers: readonly string[], candidates: readonly string[]): SlipTypeId | '' {
  const known = candidates.find((c) => SLIP_TYPES.some((t) => t.id === c));
  if (known) return known as SlipTypeId;
  const best = scoreTypes(headers)[0];
  return best && best.matched > 0 ? best.type : '';
}

const AS_DATE: FieldDef = { name: 'date', kind: 'date', aliases: [] };
const AS_NUMBER: FieldDef = { name: 'number', kind: 'number', aliases: [] };
/** Parsed by the loader's own value parsers, so a guess matches what loading will accept. */
const parses = (field: FieldDef, v: string) => { const r = parseValue(field, v, {}); return r.ok && r.value !== null; };

/** What a column's sample values look like: 'date', 'number', or 'text' (empty columns: null). */
export function sampleKind(values: readonly string[]): 'date' | 'number' | 'text' | null {
  const seen = values.map((v) => v.trim()).filter((v) => v !== '');
  if (seen.length === 0) return null;
  if (seen.every((v) => /\d{4}/.test(v) && parses(AS_DATE, v))) return 'date';
  if (seen.every((v) => parses(AS_NUMBER, v))) return 'number';
  return 'text';
}

const KINDS_FOR: Record<'date' | 'number', readonly FieldKind[]> = { date: ['date', 'datetime'], number: ['number', 'duration'] };

/**
 * A first mapping for `type`: headers the alias dictionary knows, then date-looking and
 * number-looking columns to the type's free date and number fields (required ones first),
 * and a text column of distinct values to the slip number when it is still free.
 * `samples[r][c]` is row r's value of column c.
 */
export function suggestMapping(type: SlipTypeId, headers: readonly string[], samples: readonly (readonly string[])[]): Mapping {
  const def = slipTypeDef(type);
  if (!def) return {};
  const byAlias = mapColumns(headers, type);
  const used = new Set(byAlias.filter((f): f is string => f !== null));
  const mapping: Mapping = {};
  const ordered = [...def.fields].sort((a, b) => Number(!!b.required) - Number(!!a.required));
  headers.forEach((h, c) => {
    if (h.trim() === '' || h in mapping) return;
    let field = byAlias[c] ?? '';
    if (!field) {
      const values = samples.map((r) => r[c] ?? '');
      const kind = sampleKind(values);
      if (kind === 'date' || kind === 'number') {
        field = ordered.find((f) => KINDS_FOR[kind].includes(f.kind) && !used.has(f.name))?.name ?? '';
      } else if (kind === 'text' && !used.has(def.key) && new Set(values).size === values.length) {
        field = def.key;
      }
      if (field) used.add(field);
    }
    mapping[h] = field;
  });
  return mapping;
}

/** Required fields of `type` that no column is mapped to. */
export function missingRequired(type: SlipTypeId | '', mapping: Mapping): string[] {
  const def = type ? slipTypeDef(type) : undefined;
  if (!def) return [];
  const mapped = new Set(Object.values(mapping).filter(Boolean));
  return def.fields.filter((f) => f.required && !mapped.has(f.name)).map((f) => f.name);
}

/** Fields mapped by more than one column (the loader keeps only the first, so the user must choose). */
export function duplicateFields(mapping: Mapping): string[] {
  const count = new Map<string, number>();
  for (const f of Object.values(mapping)) if (f) count.set(f, (count.get(f) ?? 0) + 1);
  return [...count].filter(([, n]) => n > 1).map(([f]) => f);
}

/** Only the used columns, as loadFiles wants them. */
export function compactMapping(mapping: Mapping): Mapping {
  return Object.fromEntries(Object.entries(mapping).filter(([, f]) => f !== ''));
}

/** Profiles from storage text; anything malformed is dropped rather than trusted. */
export function parseProfiles(text: string | null): MappingProfile[] {
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter((p): p is MappingProfile =>
      typeof p === 'object' && p !== null && typeof p.name === 'string' && typeof p.key === 'string'
      && SLIP_TYPES.some((t) => t.id === p.type) && typeof p.mapping === 'object' && p.mapping !== null
      && Object.values(p.mapping as object).every((v) => typeof v === 'string'));
  } catch {
    return [];
  }
}
