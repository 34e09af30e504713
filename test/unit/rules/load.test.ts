import { describe, expect, it } from 'vitest';
import { loadRulePack } from '../../../src/core/rules/load';
import { checkSelect } from '../../../src/core/rules/kinds/sql';

const GOOD = `id: outbound.test-rule
title: { zh: 测试, en: Test }
clause: "§1"
severity: warning
kind: condition
from: outbound
where: "qty > {limit}"
params: { limit: 3 }
description: { zh: 测试, en: Test }
`;

describe('loadRulePack', () => {
  it('loads a good rule with a branded id and its params', () => {
    const { rules, problems } = loadRulePack([{ path: 'rules/outbound.test-rule.yaml', text: GOOD }]);
    expect(problems).toEqual([]);
    expect(rules.map((r) => [r.id, r.kind, r.params])).toEqual([['outbound.test-rule', 'condition', { limit: 3 }]]);
  });

  it('reports every problem of a broken file with line:col', () => {
    const text = [
      'id: outbound.broken', //                       1
      'title: { zh: 坏, en: Broken }', //             2
      'clause: "§1"', //                              3
      'severity: fatal', //                           4
      'kind: missing', //                             5
      'from: outbound', //                            6
      'fields: [qc_confirmed, qc_confirmd]', //       7
      'when: "sale_typ = {kind}"', //                 8
      'colour: red', //                               9
      'penalty: { amount: five, charged_to: field:nobody }', // 10
      'description: { zh: 坏, en: Broken }', //       11
    ].join('\n');
    const { rules, problems } = loadRulePack([{ path: 'rules/outbound.broken.yaml', text }]);
    expect(rules).toEqual([]);
    const at = problems.map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(at).toEqual(expect.arrayContaining([
      expect.stringMatching(/^4:11 severity must be one of warning, violation, critical/),
      expect.stringMatching(/^7:24 fields: unknown field "qc_confirmd" for slip type outbound/),
      expect.stringMatching(/^8:8 when: unknown column sale_typ/),
      expect.stringMatching(/^8:19 when: unknown param \{kind\}/),
      expect.stringMatching(/^9:1 rule: unknown key "colour"/),
      expect.stringMatching(/^10:20 penalty.amount must be a number/),
    ]));
    expect(problems.every((p) => p.file === 'rules/outbound.broken.yaml')).toBe(true);
    expect(problems).toHaveLength(6);
  });

  it('checks charged_to fields and tier expressions against the slip type', () => {
    const text = GOOD.replace('description:', 'penalty:\n  amount: 5\n  charged_to: field:nobody\n  tiers:\n    - { when: "qty > {nolimit}", note: x }\ndescription:');
    const { problems } = loadRulePack([{ path: 'outbound.test-rule.yaml', text }]);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '11:15 penalty.charged_to: unknown field "nobody"',
      '13:22 tier.when: unknown param {nolimit}',
    ]);
  });

  it('reports an unknown kind, an unknown slip type, a bad id and YAML syntax errors', () => {
    const { problems } = loadRulePack([
      { path: 'a/x.one.yaml', text: GOOD.replace('kind: condition', 'kind: magic') },
      { path: 'a/outbound.test-rule.yaml', text: GOOD.replace('from: outbound', 'from: invoices') },
      { path: 'a/bad.yaml', text: 'id: [unclosed\n' },
    ]);
    const msgs = problems.map((p) => `${p.file} ${p.line}:${p.col} ${p.message}`);
    expect(msgs).toEqual(expect.arrayContaining([
      expect.stringMatching(/^a\/x\.one\.yaml 5:7 kind must be one of missing, condition/),
      expect.stringMatching(/^a\/x\.one\.yaml 1:5 id "outbound\.test-rule" does not match the file name "x\.one"/),
      expect.stringMatching(/^a\/outbound\.test-rule\.yaml 6:7 from: unknown slip type "invoices"/),
      expect.stringMatching(/^a\/bad\.yaml 2:1 /),
    ]));
  });

  it('reports duplicate rule ids across files', () => {
    const { rules, problems } = loadRulePack([
      { path: 'one/outbound.test-rule.yaml', text: GOOD },
      { path: 'two/outbound.test-rule.yaml', text: GOOD },
    ]);
    expect(rules).toHaveLength(1);
    expect(problems).toEqual([{ file: 'two/outbound.test-rule.yaml', line: 1, col: 5, message: expect.stringMatching(/duplicate rule id/) }]);
  });

  it('refuses functions outside the expression language', () => {
    const { problems } = loadRulePack([{ path: 'outbound.test-rule.yaml', text: GOOD.replace('qty > {limit}', "qty > (SELECT count(*) FROM read_csv('x'))") }]);
    expect(problems.map((p) => p.message)).toEqual(expect.arrayContaining([
      'where: unknown column SELECT', 'where: function count() is not allowed', 'where: function read_csv() is not allowed',
    ]));
  });
});

describe('custom sql kind', () => {
  const rule = (select: string) => `id: outbound.custom
title: { zh: 自定义, en: Custom }
clause: "§1"
severity: warning
kind: sql
needs: [outbound]
select: ${JSON.stringify(select)}
description: { zh: 自定义, en: Custom }
`;
  const load = (select: string) => loadRulePack([{ path: 'outbound.custom.yaml', text: rule(select) }]);

  it('accepts one SELECT', () => {
    expect(load('SELECT slip_no FROM outbound WHERE qty > 1').problems).toEqual([]);
  });
  it.each([
    ["COPY outbound TO 'out.csv'", /must be one SELECT|COPY/],
    ["ATTACH 'x.db' AS x", /ATTACH/],
    ["SELECT * FROM read_csv('data.csv')", /read_csv/],
    ["SELECT * FROM 'data.csv'", /looks like a file/],
    ['SELECT * FROM "https://example.com/x"', /looks like a file or URL/],
    ['SELECT 1; DROP TABLE outbound', /only one statement/],
    ['SELECT 1; SELECT 2', /only one statement/],
    ["SELECT * FROM glob('*')", /glob/],
    ["SELECT * FROM query('DROP TABLE outbound')", /query/],
    ['WITH x AS (SELECT 1) INSERT INTO outbound SELECT * FROM x', /INSERT/],
    ['PRAGMA version', /must be one SELECT/],
    ['SELECT 1 -- hidden', /comments/],
  ])('refuses %s', (select, why) => {
    const { rules, problems } = load(select);
    expect(rules).toEqual([]);
    expect(problems.map((p) => p.message).join('\n')).toMatch(why);
  });
  it('points at the offending word', () => {
    const errs = checkSelect('SELECT a FROM outbound; COPY x');
    expect(errs.map((e) => e.offset)).toEqual([22, 24]);
  });
});
