import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import type { Engine } from '../../../src/core/engine';
import { AuditSession } from '../../../src/ui/audit-session';
import { EMPTY_FILTER } from '../../../src/ui/findings-sql';
import type { RuleResults } from '../../../src/ui/findings-store';
import { loadFiles } from '../../../src/core/audit/load';
import { runAudit } from '../../../src/core/audit/audit';
import { loadRulePack } from '../../../src/core/rules/load';
import * as XLSX from '@e965/xlsx';

const RULES = readdirSync('rules').filter((f) => f.endsWith('.yaml')).map((f) => ({ path: `rules/${f}`, text: readFileSync(join('rules', f), 'utf8') }));
const enc = (s: string) => new TextEncoder().encode(s);

const OUTBOUND = [
  '出库单号,日期,客户,产品名称,规格,数量,单价,金额,业务员,质检确认,出门证号',
  'CK001,2025-03-05,甲公司,轴承,6204,2,10,20,张三,是,MP01',
  'CK002,2025-03-06,乙公司,轴承,6205,1,10,10,李四,否,',
  'CK002,2025-03-06,乙公司,外壳,A1,1,5,5,李四,否,',
  '=CK003,2025-03-07,丙公司,外壳,A1,1,5,5,王五,是,',
].join('\n');
const PASSES = ['出门证号,日期,关联单号', 'MP01,2025-03-05,CK001'].join('\n');

describe('AuditSession on native DuckDB', () => {
  let engine: Engine;
  let session: AuditSession;
  beforeAll(async () => {
    engine = await createNodeEngine();
    session = new AuditSession(engine, RULES);
  });
  afterAll(() => engine.close());

  it('loads files, runs the pack and pages the findings through SQL', async () => {
    const snap = await session.addFiles([{ name: 'out.csv', content: enc(OUTBOUND) }, { name: 'pass.csv', content: enc(PASSES) }]);
    expect(snap.tables.map((t) => [t.name, t.status, t.slip_type, t.rows_loaded])).toEqual([
      ['out.csv', 'loaded', 'outbound', 4], ['pass.csv', 'loaded', 'exit_pass', 1],
    ]);
    expect(snap.asOf).toBe('2025-03-31');
    const ungated = snap.rules.find((r) => r.id === 'outbound.ungated');
    expect(ungated).toMatchObject({ status: 'ran', findings: 2 });
    const page = await session.findingsPage({ ...EMPTY_FILTER, rule: 'outbound.ungated', sort: 'slip_no', desc: true }, 0, 10);
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.slip_no)).toEqual(['CK002', '=CK003']);
    expect(snap.totalFindings).toBe((await session.findingsPage(EMPTY_FILTER, 0, 1)).total);
  });

  it('searches without treating the text as SQL or a LIKE pattern', async () => {
    expect((await session.findingsPage({ ...EMPTY_FILTER, q: "ck002' OR '1'='1" }, 0, 10)).total).toBe(0);
    expect((await session.findingsPage({ ...EMPTY_FILTER, q: '%' }, 0, 10)).total).toBe(0);
    expect((await session.findingsPage({ ...EMPTY_FILTER, q: 'ck002', rule: 'outbound.ungated' }, 0, 10)).total).toBe(1);
  });

  it('shows every line of the slip a finding points at', async () => {
    const page = await session.findingsPage({ ...EMPTY_FILTER, rule: 'outbound.ungated', slipType: 'outbound', q: 'CK002' }, 0, 1);
    const detail = await session.slipDetail(page.rows[0].id);
    expect(detail?.lines.map((l) => [l.slip_no, l.product_name, l.source_row])).toEqual([['CK002', '轴承', '3'], ['CK002', '外壳', '4']]);
  });

  it('exports violations.csv formula-safe with BOM and the contract header', async () => {
    const csv = await session.exportFile('violations.csv', 'zh');
    expect(csv.startsWith('\uFEFFrule_id,severity,slip_type,slip_no,date,responsible,amount,penalty,source_file,source_row,message\r\n')).toBe(true);
    expect(csv).toContain(",'=CK003,");
  });

  it('re-runs with a rule switched off and with a file retyped or removed', async () => {
    const off = await session.setRuleOptions({ asOf: '2025-04-30', disabled: ['outbound.ungated'], params: {} });
    expect(off.asOf).toBe('2025-04-30');
    expect(off.rules.find((r) => r.id === 'outbound.ungated')).toMatchObject({ enabled: false, findings: 0 });
    const retyped = await session.retypeFile('pass.csv', 'outbound');
    expect(retyped.tables.find((t) => t.name === 'pass.csv')?.status).toBe('refused');
    const removed = await session.removeFile('out.csv');
    expect(removed.tables.map((t) => t.name)).toEqual(['pass.csv']);
    expect(Number((await engine.query("SELECT count(*) AS n FROM outbound WHERE source_file = 'out.csv'"))[0].n)).toBe(0);
  });

  it('lists a second copy of a file under another name as a duplicate, without loading it twice', async () => {
    const snap = await session.addFiles([{ name: 'pass-copy.csv', content: enc(PASSES) }]);
    expect(snap.tables.find((t) => t.name === 'pass-copy.csv')).toMatchObject({ status: 'skipped', refusal: { code: 'duplicate' } });
    // Two copies given at once, as Files: the second is the duplicate.
    const twice = await session.addFiles([
      { name: 'twin-a.csv', content: new Blob([`${OUTBOUND}\n`]) }, { name: 'twin-b.csv', content: new Blob([`${OUTBOUND}\n`]) },
    ]);
    expect(twice.tables.filter((t) => t.name.startsWith('twin-')).map((t) => [t.name, t.status]).sort()).toEqual([['twin-a.csv', 'loaded'], ['twin-b.csv', 'skipped']]);
  });

  it('gives every report and the evidence each file\'s SHA-256, also of files hashed while they loaded', async () => {
    const contents = new Map<string, Uint8Array>([['out.csv', enc(OUTBOUND)], ['pass.csv', enc(PASSES)], ['late.csv', enc(`${PASSES}\nMP09,2025-03-09,CK009`)]]);
    const snap = await session.addFiles([{ name: 'late.csv', content: new Blob([contents.get('late.csv')! as Uint8Array<ArrayBuffer>]) }]);
    const sha = (name: string) => createHash('sha256').update(contents.get(name)!).digest('hex');
    for (const t of snap.tables.filter((t) => contents.has(t.name))) expect(t.sha256, t.name).toBe(sha(t.name));
    const evidence = JSON.parse(await session.exportFile('evidence.json', 'en')) as { inputs: { name: string; sha256: string }[] };
    for (const i of evidence.inputs.filter((i) => contents.has(i.name))) expect(i.sha256, i.name).toBe(sha(i.name));
    expect(evidence.inputs.map((i) => i.name)).toContain('late.csv');
  });
});

describe('AuditSession re-runs only the rule whose options changed', () => {
  const SAMPLE = readdirSync('sample-data').filter((f) => !/\.(md|json)$/.test(f))
    .map((f) => ({ name: f, content: new Uint8Array(readFileSync(join('sample-data', f))) }));
  let engine: Engine;
  let session: AuditSession;
  let queries: string[] = [];
  beforeAll(async () => {
    engine = await createNodeEngine();
    const query = engine.query.bind(engine);
    const exec = engine.exec.bind(engine);
    // Every statement the session sends, to see which rules it ran.
    session = new AuditSession({ ...engine, name: engine.name, loadColumns: engine.loadColumns.bind(engine),
      exec: (sql) => { queries.push(sql); return exec(sql); },
      close: engine.close.bind(engine), registerText: engine.registerText?.bind(engine),
      query: (sql) => { queries.push(sql); return query(sql); } } as Engine, RULES);
    await session.addFiles(SAMPLE);
  }, 60_000);
  afterAll(() => engine.close());

  /** Everything the app shows of a run: the findings table (ids included), the exports and the KPIs. */
  const state = async (s: AuditSession, e: Engine) => ({
    table: await e.query(`SELECT * EXCLUDE (amount, penalty), CAST(amount AS VARCHAR) AS a, CAST(penalty AS VARCHAR) AS p FROM _findings ORDER BY id`),
    violations: await s.exportFile('violations.csv', 'en'),
    penalties: await s.exportFile('penalties.csv', 'en'),
    kpis: await s.kpis(),
    facets: await s.facets(),
  });

  /** The same options on a fresh session: one full run. */
  const fullRun = async (options: Parameters<AuditSession['setRuleOptions']>[0]) => {
    const e = await createNodeEngine();
    const s = new AuditSession(e, RULES);
    await s.addFiles(SAMPLE);
    const snap = await s.setRuleOptions(options);
    const out = { snap, state: await state(s, e) };
    await e.close();
    return out;
  };

  // A rule's query names its id as a literal; the queries that read its findings back do not.
  const ranRules = () => queries.map((q) => /'([a-z0-9_.-]+)' AS rule_id/.exec(q)?.[1]).filter((id) => id !== undefined);

  // Each step changes one rule from the step before.
  const gap = { 'slip.number-gap': { max_listed: 2 } };
  const both = { ...gap, 'outbound.below-min-price': { tolerance: 1000 } };
  it.each([
    ['a parameter that adds findings', { asOf: null, disabled: [], params: gap }, 'slip.number-gap'],
    ['a tolerance that removes findings', { asOf: null, disabled: [], params: both }, 'outbound.below-min-price'],
    ['a rule switched off', { asOf: null, disabled: ['outbound.ungated'], params: both }, 'outbound.ungated'],
    ['the rule switched on again', { asOf: null, disabled: [], params: both }, 'outbound.ungated'],
  ] as const)('%s: the same findings, ledger and KPIs as a full run', async (_name, options, rule) => {
    queries = [];
    const snap = await session.setRuleOptions(structuredClone(options) as never);
    const ran = ranRules();
    expect(new Set(ran)).toEqual(new Set((options.disabled as readonly string[]).includes(rule) ? [] : [rule]));
    const full = await fullRun(structuredClone(options) as never);
    expect(snap).toEqual(full.snap);
    expect(await state(session, engine)).toEqual(full.state);
  }, 60_000);

  it('runs again the rules that read the as-of date when it changes, and ends as a full run', async () => {
    queries = [];
    const options = { asOf: '2025-06-30', disabled: [], params: { 'slip.number-gap': { max_listed: 2 } } };
    const snap = await session.setRuleOptions(options);
    const ran = new Set(ranRules());
    expect(ran.has('outbound.unsettled')).toBe(true);
    expect(ran.has('outbound.ungated')).toBe(false);
    expect(ran.size).toBeLessThan(20);
    const full = await fullRun(options);
    expect(snap).toEqual(full.snap);
    expect(await state(session, engine)).toEqual(full.state);
  }, 60_000);
});

describe('AuditSession before any file', () => {
  it('answers the findings view with nothing instead of a missing-table error', async () => {
    const engine = await createNodeEngine();
    const session = new AuditSession(engine, RULES);
    expect(await session.findingsPage(EMPTY_FILTER, 0, 10)).toEqual({ total: 0, rows: [] });
    expect((await session.facets()).rule).toEqual([]);
    await engine.close();
  });
});

describe('AuditSession: mapping, related documents, XLSX and custom rules', () => {
  let engine: Engine;
  let session: AuditSession;
  const OUT = [
    '出库单号,日期,客户,产品名称,规格,数量,单价,金额,业务员,质检确认,出门证号',
    'CK001,2025-03-05,甲公司,轴承,6204,2,10,20,张三,否,MP01',
    '=CK002,2025-03-06,乙公司,轴承,6205,1,10,10,李四,是,',
  ].join('\n');
  const UNKNOWN = ['NO.,WHEN,WHAT,HOW MANY', 'U-1,2025-03-02,gear,3', 'U-2,2025-03-03,shaft,1'].join('\n');
  beforeAll(async () => {
    engine = await createNodeEngine();
    session = new AuditSession(engine, RULES);
    await session.addFiles([{ name: 'out.csv', content: enc(OUT) }, { name: 'pass.csv', content: enc(PASSES) }]);
  });
  afterAll(() => engine.close());

  const first = async (rule: string) => (await session.findingsPage({ ...EMPTY_FILTER, rule }, 0, 1)).rows[0];

  it('shows the exit pass of a slip, and its absence', async () => {
    const qc = await session.slipDetail((await first('outbound.missing-qc')).id);
    expect(qc?.related.find((r) => r.kind === 'exit_pass')?.rows.map((r) => r.pass_no)).toEqual(['MP01']);
    const ungated = await session.slipDetail((await first('outbound.ungated')).id);
    expect(ungated?.related.find((r) => r.kind === 'exit_pass')).toMatchObject({ loaded: true, rows: [] });
  });

  it('shows the price each line of a slip below the minimum price was held to', async () => {
    const prices = ['产品编码,产品名称,规格型号,最低限价,标准价,生效日期',
      ',轴承,6204,12,15,2025-01-01', ',轴承,6204,18,20,2025-03-06', ',轴承,6205,9,11,'].join('\n');
    const ownEngine = await createNodeEngine();
    const own = new AuditSession(ownEngine, RULES);
    try {
      const out = ['出库单号,日期,客户,产品名称,规格,数量,单价,金额,业务员,销售类型',
        'CK001,2025-03-05,甲公司,轴承,6204,2,10,20,张三,销售', 'CK001,2025-03-05,甲公司,轴承,6205,1,10,10,张三,销售',
        'CK002,2025-03-06,乙公司,轴承,6204,1,19,19,李四,销售'].join('\n');
      await own.addFiles([{ name: 'out.csv', content: enc(out) }, { name: 'prices.csv', content: enc(prices) }]);
      const below = (await own.findingsPage({ ...EMPTY_FILTER, rule: 'outbound.below-min-price' }, 0, 10)).rows;
      expect(below.map((r) => r.slip_no)).toEqual(['CK001']);
      const price = (await own.slipDetail(below[0].id))?.related.find((r) => r.kind === 'price');
      expect(price?.rows.map((r) => [r.unit_price, r.min_price, r.standard_price, r.effective_from].map((v) => (v === null ? null : Number.isNaN(Number(v)) ? v : Number(v)))))
        .toEqual([[10, 12, 15, '2025-01-01'], [10, 9, 11, null]]);
    } finally {
      await ownEngine.close();
    }
  });

  it('previews an unknown header and loads the file with the user mapping', async () => {
    const snap = await session.addFiles([{ name: 'unknown.csv', content: enc(UNKNOWN) }]);
    expect(snap.tables.find((t) => t.name === 'unknown.csv')).toMatchObject({ status: 'refused', refusal: { code: 'unknown-type' } });
    expect(await session.previewTable('unknown.csv', '')).toEqual({
      headers: ['NO.', 'WHEN', 'WHAT', 'HOW MANY'], samples: [['U-1', '2025-03-02', 'gear', '3'], ['U-2', '2025-03-03', 'shaft', '1']],
    });
    const mapped = await session.mapFile('unknown.csv', 'outbound', { 'NO.': 'slip_no', WHEN: 'date', WHAT: 'product_name', 'HOW MANY': 'qty' });
    expect(mapped.tables.find((t) => t.name === 'unknown.csv')).toMatchObject({ status: 'loaded', slip_type: 'outbound', rows_loaded: 2 });
  });

  it('writes the findings workbook with the given headings, numbers as numbers and no formula', async () => {
    const bytes = await session.exportXlsx('violations', 'en', ['R', 'S', 'T', 'N', 'D', 'P', 'A', 'F', 'SF', 'SR', 'M']);
    const ws = XLSX.read(bytes, { type: 'array' }).Sheets.violations;
    expect(XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1 })[0]).toEqual(['R', 'S', 'T', 'N', 'D', 'P', 'A', 'F', 'SF', 'SR', 'M']);
    const payload = Object.keys(ws).find((k) => ws[k]?.v === "'=CK002");
    expect(payload && ws[payload].t).toBe('s');
    expect(Object.values(ws).some((c) => typeof c === 'object' && c !== null && 'f' in c)).toBe(false);
    expect(ws.J2.t).toBe('n');
  });

  it('checks a custom rule with line and column, and runs it with the pack', async () => {
    const bad = 'id: custom.x\ntitle: { zh: 甲, en: A }\nclause: "1"\nseverity: fatal\nkind: missing\nfrom: outbound\nfields: [customer]\ndescription: { zh: 甲, en: A }\n';
    const problems = session.checkRules([{ path: 'custom/custom.x.yaml', text: bad }], true);
    expect(problems.map((p) => [p.line, p.col])).toEqual([[4, 11]]);
    const clash = session.checkRules([{ path: 'custom/outbound.ungated.yaml', text: RULES.find((r) => r.path.endsWith('outbound.ungated.yaml'))!.text }], true);
    expect(clash.some((p) => /duplicate rule id/.test(p.message))).toBe(true);
    const good = bad.replace('fatal', 'warning');
    expect(session.checkRules([{ path: 'custom/custom.x.yaml', text: good }], true)).toEqual([]);
    const snap = await session.setRules(null, [{ path: 'custom/custom.x.yaml', text: good }]);
    expect(snap.rules.find((r) => r.id === 'custom.x')).toMatchObject({ status: 'ran' });
    expect(session.getRuleFiles().length).toBe(RULES.length + 1);
  });

  it('exports the amounts as the rules write them, two decimals (the findings view sorts them as numbers)', async () => {
    const rule = `id: custom.amounts
title: { zh: 金额, en: Amounts }
clause: "§0"
severity: warning
kind: sql
needs: [outbound]
select: |
  SELECT 'outbound' AS slip_type, slip_no, date, NULL AS responsible,
    CASE WHEN slip_no = 'CK001' THEN 7.5 END AS amount, source_file, sheet, source_row, 'x' AS detail
  FROM outbound WHERE slip_no IN ('CK001', '=CK002')
description: { zh: 金额原样, en: Amounts as written }
`;
    const snap = await session.setRules(null, [{ path: 'custom/custom.amounts.yaml', text: rule }]);
    expect(snap.rules.find((r) => r.id === 'custom.amounts')).toMatchObject({ status: 'ran', findings: 2 });
    const csv = await session.exportFile('violations.csv', 'en');
    const lines = csv.split('\r\n').filter((l) => l.startsWith('custom.amounts,'));
    expect(lines.map((l) => l.split(',')[6])).toEqual(['', '7.50']);
    const page = await session.findingsPage({ ...EMPTY_FILTER, rule: 'custom.amounts' }, 0, 10);
    expect(page.rows.map((r) => r.amount)).toEqual([null, 7.5]);
  });
});

describe('AuditSession against the command line\'s audit', () => {
  it('gives the same penalty ledger and KPIs on the sample data (the app sums each rule\'s findings in SQL)', async () => {
    const files = readdirSync('sample-data').filter((f) => !f.endsWith('.md') && !f.endsWith('.json'))
      .map((f) => ({ name: f, content: new Uint8Array(readFileSync(join('sample-data', f))) }));
    const engine = await createNodeEngine();
    const other = await createNodeEngine();
    try {
      const session = new AuditSession(engine, RULES);
      await session.addFiles(files);
      await loadFiles(other, files.map((f) => ({ name: f.name, bytes: f.content })));
      const run = await runAudit(other, loadRulePack(RULES).rules);
      expect(run).not.toBeNull();
      expect(run!.penalties.length).toBeGreaterThan(0);
      expect(run!.kpis.below_min_sales).toMatchObject({ lines: expect.any(Number) });
      expect((run!.kpis.below_min_sales as { lines: number }).lines).toBeGreaterThan(0);
      expect((session as unknown as { results: RuleResults }).results.penalties()).toEqual(run!.penalties);
      expect(await session.kpis()).toEqual(run!.kpis);
    } finally {
      await engine.close();
      await other.close();
    }
  }, 60_000);
});
