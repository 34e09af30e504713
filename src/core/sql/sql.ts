/**
 * The only place SQL text is assembled from names and values. Identifiers go through
 * ident(), values through lit(); nothing a user typed or loaded is spliced in raw.
 */

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL literal for a JS value: strings single-quoted, numbers checked finite, null as NULL. */
export function lit(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`lit: not a finite number: ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DATE literal from `YYYY-MM-DD`, refused otherwise. */
export function dateLit(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`dateLit: not an ISO date: ${iso}`);
  return `DATE ${lit(iso)}`;
}
