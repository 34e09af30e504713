import { describe, expect, test } from 'vitest';
import zh from '../../../src/ui/i18n/zh.json';
import en from '../../../src/ui/i18n/en.json';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('labels exist in Chinese and English', () => {
  test('the same keys in both', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  test.each(Object.keys(zh))('%s: both non-empty, with the same placeholders', (key) => {
    const z = (zh as Record<string, string>)[key];
    const e = (en as Record<string, string>)[key];
    expect(z.trim()).not.toBe('');
    expect(e.trim()).not.toBe('');
    expect(placeholders(z)).toEqual(placeholders(e));
  });
});
