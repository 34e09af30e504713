/**
 * Column headings in the auditor's language: a field's first alias is its Chinese
 * label and its last alias its English one (SLIPS.md lists them that way).
 */
import type { Lang } from '../core/types';
import { slipTypeDef } from '../core/schema/slip-types';
import { i18n, t } from './state/i18n.svelte';

const HAN = /\p{Script=Han}/u;
const META = new Set(['source_file', 'sheet', 'source_row', 'extras']);

/** The label of `field` of slip type `type`, or null when the type has no such field. */
export function fieldLabelIn(type: string, field: string, lang: Lang): string | null {
  const f = slipTypeDef(type)?.fields.find((x) => x.name === field);
  if (!f || f.aliases.length === 0) return null;
  // Some alias lists add Chinese spellings after the English one: take the first Chinese and the last English alias.
  if (lang === 'zh') return f.aliases.find((a) => HAN.test(a)) ?? f.aliases[0];
  return [...f.aliases].reverse().find((a) => !HAN.test(a)) ?? f.aliases[f.aliases.length - 1];
}

/** The heading for a column of a slip table (or of the price lookup) in the current language. */
export function fieldLabel(type: string, field: string): string {
  if (META.has(field)) return t(`meta.${field}`);
  return fieldLabelIn(type, field, i18n.lang) ?? fieldLabelIn('price_list', field, i18n.lang) ?? field;
}
