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
