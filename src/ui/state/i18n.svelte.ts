/** UI language: Chinese first, English too; the starting choice follows the browser. */
import zh from '../i18n/zh.json';
import en from '../i18n/en.json';
import type { Lang, Text } from '../../core/types';

const DICTS: Record<Lang, Record<string, string>> = { zh, en };

function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem('lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return (globalThis.navigator?.language ?? 'zh').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const i18n = $state({ lang: initialLang() });

export function setLang(lang: Lang): void {
  i18n.lang = lang;
  globalThis.localStorage?.setItem('lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** Label for a key, with `{name}` placeholders filled; the key itself when unknown (visible, not silent). */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = DICTS[i18n.lang][key] ?? DICTS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A bilingual text from the core (rule titles, slip type labels). */
export function tx(text: Text | undefined): string {
  return text ? text[i18n.lang] : '';
}

const formats = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Lang, digits: number | null): Intl.NumberFormat {
  const key = `${lang}:${digits}`;
  let f = formats.get(key);
  if (!f) {
    const opts: Intl.NumberFormatOptions = digits === null ? { maximumFractionDigits: 4 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    f = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', opts);
    formats.set(key, f);
  }
  return f;
}

/** A count or quantity in the current language's digits grouping ('' for null). */
export function num(v: number | string | null | undefined, digits: number | null = null): string {
  if (v === null || v === undefined || v === '') return '';
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? numberFormat(i18n.lang, digits).format(n) : String(v);
}

/** Money: two decimals, grouped for the current language. */
export function money(v: number | string | null | undefined): string {
  return num(v, 2);
}

/** A share as a percentage with one decimal ('—' when there is no denominator). */
export function pct(rate: number | null): string {
  if (rate === null) return '—';
  return new Intl.NumberFormat(i18n.lang === 'zh' ? 'zh-CN' : 'en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

/** A label in a given language (exports whose headings the user picks apart from the page language). */
export function tIn(lang: Lang, key: string): string {
  return DICTS[lang][key] ?? DICTS.zh[key] ?? key;
}
