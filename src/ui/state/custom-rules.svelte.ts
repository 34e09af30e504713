/**
 * The user's own rules (YAML texts), kept in localStorage and run with the pack. The
 * path a rule is checked under is `custom/<id>.yaml`, so the loader's "id matches the
 * file name" check holds and problems point at the rule by name.
 */
import { ruleIdOf } from '../rule-pack';

export { ruleIdOf };

const KEY = 'slip-audit.custom-rules';

function load(): string[] {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export const customRules = $state({ texts: load() });


export function customRuleFile(text: string): { path: string; text: string } {
  return { path: `custom/${ruleIdOf(text) || 'rule'}.yaml`, text };
}

export function setCustomRules(texts: string[]): void {
  customRules.texts = texts;
  globalThis.localStorage?.setItem(KEY, JSON.stringify(texts));
}
