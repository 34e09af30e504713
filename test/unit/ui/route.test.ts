import { describe, expect, it } from 'vitest';
import { formatHash, parseHash, wantsSample } from '../../../src/ui/route';
import { EMPTY_FILTER, pageSql, whereSql } from '../../../src/ui/findings-sql';
import { ruleArea } from '../../../src/ui/rule-areas';

describe('findings filter in the address', () => {
  it('round-trips a filter through the hash', () => {
    const route = { view: 'findings' as const, filter: { ...EMPTY_FILTER, rule: 'outbound.ungated', severity: 'critical', q: '张 三&x=1', sort: 'amount' as const, desc: true } };
    const hash = formatHash(route);
    expect(hash).toBe('#/findings?rule=outbound.ungated&sev=critical&q=%E5%BC%A0+%E4%B8%89%26x%3D1&sort=amount&desc=1');
    expect(parseHash(hash)).toEqual(route);
  });

  it('falls back to the load view and the default sort for unknown values', () => {
    expect(parseHash('#/nowhere?sort=drop%20table')).toEqual({ view: 'load', filter: EMPTY_FILTER });
    expect(formatHash({ view: 'rules', filter: { ...EMPTY_FILTER, rule: 'x' } })).toBe('#/rules');
  });
});

describe('findings SQL', () => {
  it('quotes every filter value', () => {
    const where = whereSql({ ...EMPTY_FILTER, person: "O'Brien", q: "a'; DROP TABLE x; --" });
    expect(where).toContain(`= 'O''Brien'`);
    expect(where).toContain(`'a''; drop table x; --'`);
  });

  it('sorts by a whitelisted column with a stable tie-break', () => {
    const sql = pageSql({ ...EMPTY_FILTER, sort: 'severity', desc: true }, 200, 100);
    expect(sql).toMatch(/ORDER BY "sev_rank" DESC NULLS LAST, id LIMIT 100 OFFSET 200$/);
  });
});

describe('rule areas', () => {
  it.each([
    ['outbound.ungated', 'outbound'], ['exit-pass.orphan', 'outbound'], ['outbound.below-min-price', 'pricing'],
    ['outsource-issue.ungated', 'outsourcing'], ['requisition.missing-purpose', 'purchasing'], ['slip.number-gap', 'numbering'],
    ['custom.thing', 'other'],
  ])('%s → %s', (id, area) => expect(ruleArea(id)).toBe(area));
});

describe('opening on the sample data', () => {
  it.each([
    ['#/load?sample=1', '', true],
    ['#/load', '?sample=1', true],
    ['#/load?sample=0', '', false],
    ['#/findings?rule=sample', '', false],
    ['', '', false],
  ])('hash %s, search %s → %s', (hash, search, want) => expect(wantsSample(hash, search)).toBe(want));

  it('drops the sample flag from the address once the view is written back', () => {
    expect(formatHash(parseHash('#/load?sample=1'))).toBe('#/load');
  });
});
