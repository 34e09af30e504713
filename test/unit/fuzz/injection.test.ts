/**
 * Hostile values through the whole product: formula payloads in every export, SQL
 * text in headers and values, and custom rules that try to leave the loaded tables.
 * The CLI is run as a user runs it; the engine checks run on native DuckDB.
 */
import { spawnSync } from 'node:child_process';
import {cpSync, readFileSync, writeFileSync} from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import type { Engine } from '../../../src/core/engine';
import { loadFiles } from '../../../src/core/audit/load';
import { parseDelimited } from '../../../src/core/ingest/csv';
import { checkSelect } from '../../../src/core/rules/kinds/sql';
import { loadRulePack } from '../../../src/core/rules/load';
import { toXlsx } from '../../../src/core/audit/xlsx-out';
import { PENALTY_COLUMNS, REJECT_COLUMNS, VIOLATION_COLUMNS } from '../../../src/core/audit/outputs';
import { tempDir } from '../../temp-dir';

function audit(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', '\t=1+1', '=1+1'];
const DANGEROUS = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Every cell of an exported CSV that a spreadsheet would run as a formula. */
function formulaCells(csv: string, numeric: readonly string[]): string[] {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseDelimited(csv.slice(1), ',');
  const bad: string[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (numeric.includes(header[i]) && (cell === '' || NUMBER.test(cell))) return;
      if (DANGEROUS.test(cell)) bad.push(`${header[i]}=${JSON.stringify(cell)}`);
    });
  }
  return bad;
}

const OUTBOUND_HEADER = ['出库单号', '日期', '客户', '产品名称', '规格', '数量', '单价', '金额', '业务员', '质检确认', '出门证号'];

describe('formula injection through the CLI', () => {
  let out: string;
  let run: ReturnType<typeof audit>;
  beforeAll(() => {
    const dir = tempDir('slip-formula-');
    out = join(dir, 'out');
    const rows: string[][] = [[...OUTBOUND_HEADER, '=EXTRA()']];
    FORMULAS.forEach((f, i) => {
      // Slip number, customer, salesperson and an extra column carry the payload; no QC and no exit pass make findings.
      rows.push([f, '2025-03-0' + (i + 1), f, '轴承', f, '2', '-10', '-20', f, '否', '', f]);
      // An unreadable date rejects the row, so the payload lands in rejects.csv's value column.
      rows.push([`R${i}`, f, 'c', '轴承', 's', '1', '1', '1', 'x', '是', '', '']);
    });
    const csv = rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\r\n');
    writeFileSync(join(dir, '=1+1 出库.csv'), csv);
    // A workbook whose file name and sheet names are payloads too.
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([OUTBOUND_HEADER, ['WB-1', '2025-03-10', 'c', 'p', 's', 1, 1, 1, '@SUM(1+1)', '否', ''], ['WB-2', '=bad', 'c', 'p', 's', 1, 1, 1, 'x', '否', '']]), '@SUM(1+1)');
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([OUTBOUND_HEADER, ['WB-3', '-2+3', 'c', 'p', 's', 1, 1, 1, 'x', '否', '']]), '-2+3');
    writeFileSync(join(dir, "+cmd|' calc'!A0.xlsx"), XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    run = audit(dir, '--out', out, '--as-of', '2025-03-31');
  });

  it('runs', () => {
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
  });

  it('violations.csv: no cell starts a formula, negative amounts stay numbers', () => {
    const csv = readFileSync(join(out, 'violations.csv'), 'utf8');
    expect(formulaCells(csv, ['amount', 'penalty', 'source_row'])).toEqual([]);
    for (const f of FORMULAS.slice(0, 4)) expect(csv).toContain(`'${f.replaceAll('"', '""')}`);
    expect(csv).toContain("'=1+1 出库.csv");
    expect(csv).toContain(`'+cmd|' calc'!A0.xlsx`);
    const rows = parseDelimited(csv.slice(1), ',');
    const amount = rows[0].indexOf('amount');
    expect(rows.some((r) => r[amount] === '-20.00' || r[amount] === '-20')).toBe(true);
  });

  it('rejects.csv: payloads in file, sheet and value columns are neutralised', () => {
    const csv = readFileSync(join(out, 'rejects.csv'), 'utf8');
    expect(formulaCells(csv, ['source_row'])).toEqual([]);
    const rows = parseDelimited(csv.slice(1), ',');
    const value = rows[0].indexOf('value');
    const sheet = rows[0].indexOf('sheet');
    for (const f of FORMULAS) expect(rows.map((r) => r[value])).toContain(`'${f}`);
    expect(rows.map((r) => r[sheet])).toEqual(expect.arrayContaining(["'@SUM(1+1)", "'-2+3"]));
  });

  it('penalties.csv: a payload as the responsible person is neutralised', () => {
    const csv = readFileSync(join(out, 'penalties.csv'), 'utf8');
    expect(formulaCells(csv, ['findings', 'amount'])).toEqual([]);
    expect(csv).toContain("'@SUM(1+1)");
  });
});

describe('formula injection in the XLSX export', () => {
  it('writes payloads as neutralised text cells and numbers as numbers, never a formula', () => {
    const rows = FORMULAS.map((f, i) => ({
      rule_id: f, severity: 'critical', slip_type: 'outbound', slip_no: f, date: '2025-03-01', responsible: f,
      amount: i % 2 ? '-20.00' : f, penalty: '-5', source_file: f, source_row: i + 2, message: f,
    }));
    const bytes = toXlsx(VIOLATION_COLUMNS, rows, new Set(['amount', 'penalty', 'source_row']), { headers: ['=h', ...VIOLATION_COLUMNS.slice(1)], sheet: '@s' });
    const ws = XLSX.read(bytes, { type: 'array', cellFormula: true }).Sheets['@s'];
    let cells = 0;
    for (const [addr, cell] of Object.entries(ws)) {
      if (addr.startsWith('!')) continue;
      const c = cell as XLSX.CellObject;
      cells++;
      expect(c.f, addr).toBeUndefined();
      if (c.t === 's') expect(String(c.v), addr).not.toMatch(DANGEROUS);
      else expect(c.t, addr).toBe('n');
    }
    expect(cells).toBe(VIOLATION_COLUMNS.length * (rows.length + 1));
    expect(ws.G3).toMatchObject({ t: 'n', v: -20 });
    expect(ws.G2).toMatchObject({ t: 's', v: `'${FORMULAS[0]}` });
    expect(ws.A1).toMatchObject({ t: 's', v: "'=h" });
    for (const columns of [REJECT_COLUMNS, PENALTY_COLUMNS]) {
      const book = XLSX.read(toXlsx(columns, [Object.fromEntries(columns.map((c) => [c, '=1+1']))]), { type: 'array', cellFormula: true });
      const sheet = book.Sheets[book.SheetNames[0]];
      for (const c of columns.keys()) expect(sheet[XLSX.utils.encode_cell({ r: 1, c })]).toMatchObject({ t: 's', v: "'=1+1" });
    }
  });
});

// ---------------------------------------------------------------- SQL

const NASTY = [
  "O'Brien", 'say "hi"', 'back\\slash\\', "'; DROP TABLE outbound; --", '"); DROP TABLE outbound; --', 'SELECT * FROM outbound',
  '😀👍🏽 家庭', `${'长'.repeat(9_999)}!`, "\\'; --", '%_*?', '${x}{as_of}',
];

describe('SQL text in headers and values', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await createNodeEngine(); });
  afterAll(async () => engine?.close());

  it('loads and reads back every value unchanged, including extra columns with hostile headers', async () => {
    const extraHeaders = ["o'k", '"; DROP TABLE x; --', '😀'];
    const rows = [[...OUTBOUND_HEADER, ...extraHeaders]];
    NASTY.forEach((v, i) => rows.push([v, '2025-03-01', v, v, v, String(i + 1), '1', '1', v, '是', v, v, v, v]));
    const csv = rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\n');
    const load = await loadFiles(engine, [{ name: "x'; DROP TABLE outbound; --.csv", bytes: new TextEncoder().encode(csv) }]);
    expect(load.tables[0]).toMatchObject({ status: 'loaded', rows_loaded: NASTY.length, rows_rejected: 0 });
    const back = await engine.query<{ slip_no: string; customer: string; salesperson: string; exit_pass_no: string; extras: string; source_file: string }>(
      'SELECT slip_no, customer, salesperson, exit_pass_no, extras, source_file FROM outbound ORDER BY source_row');
    expect(back.map((r) => r.slip_no)).toEqual(NASTY);
    expect(back.map((r) => r.customer)).toEqual(NASTY);
    expect(back.map((r) => r.salesperson)).toEqual(NASTY);
    expect(back.map((r) => r.exit_pass_no)).toEqual(NASTY);
    expect(back.map((r) => JSON.parse(r.extras))).toEqual(NASTY.map((v) => Object.fromEntries(extraHeaders.map((h) => [h, v]))));
    expect(new Set(back.map((r) => r.source_file))).toEqual(new Set(["x'; DROP TABLE outbound; --.csv"]));
  });
});

describe('custom SELECT validation', () => {
  const refused: [string, string][] = [
    ['COPY', "COPY outbound TO 'x.csv'"],
    ['ATTACH', "SELECT 1 AS a; ATTACH 'x.db'"],
    ['INSTALL', 'INSTALL httpfs'],
    ['LOAD', 'LOAD httpfs'],
    ['PRAGMA', 'PRAGMA version'],
    ['SET', 'SET enable_external_access = true'],
    ['CREATE', 'CREATE TABLE t AS SELECT 1'],
    ['INSERT', "INSERT INTO outbound (slip_no) VALUES ('x')"],
    ['UPDATE', "UPDATE outbound SET slip_no = 'x'"],
    ['DELETE', 'DELETE FROM outbound'],
    ['DROP', 'DROP TABLE outbound'],
    ['ALTER', 'ALTER TABLE outbound RENAME TO x'],
    ['EXPORT', "EXPORT DATABASE 'dir'"],
    ['IMPORT', "IMPORT DATABASE 'dir'"],
    ['CALL', 'CALL pragma_version()'],
    ['read_csv', "SELECT * FROM read_csv('x.csv')"],
    ['read_parquet', "SELECT * FROM read_parquet('x')"],
    ['read_json', 'SELECT * FROM read_json(?)'],
    ['read_text', "SELECT * FROM outbound, read_text('/etc/hostname')"],
    ['a double-quoted read_text', `SELECT * FROM outbound, "read_text"(concat(chr(47), 'etc', chr(47), 'hostname'))`],
    ['read_blob', "SELECT * FROM read_blob('x')"],
    ['glob', "SELECT * FROM glob('*')"],
    ['a file as a table', "SELECT * FROM 'file.csv'"],
    ['a file as a quoted name', 'SELECT * FROM "data.parquet"'],
    ['a URL', "SELECT * FROM outbound WHERE slip_no = 'https://example.com/x'"],
    ['getenv', "SELECT getenv('HOME') AS slip_no FROM outbound"],
    ['two statements', 'SELECT 1 AS a; SELECT 2 AS b'],
    ['a line comment hiding a statement', 'SELECT * FROM outbound --\n; DROP TABLE outbound'],
    ['a block comment', 'SELECT * FROM outbound /* ; DROP TABLE outbound */'],
    ['not a SELECT', 'VALUES (1)'],
    ['a subquery reading a file', "SELECT * FROM outbound WHERE slip_no IN (SELECT content FROM read_text('x'))"],
    ['current_setting', "SELECT current_setting('threads') AS slip_no FROM outbound"],
    ['dollar quoting', 'SELECT $$x$$ AS slip_no FROM outbound'],
  ];
  it.each(refused)('refuses %s', (_what, sql) => {
    expect(checkSelect(sql).length).toBeGreaterThan(0);
  });

  it('accepts a plain SELECT over the loaded tables', () => {
    expect(checkSelect("WITH t AS (SELECT * FROM outbound WHERE slip_no <> 'x') SELECT * FROM t JOIN exit_pass USING (slip_no)")).toEqual([]);
  });

  it('reports the refusal with the file and where in it', () => {
    const text = ['id: custom.evil', 'title: { zh: 坏, en: evil }', 'clause: "x"', 'severity: warning', 'kind: sql', 'needs: [outbound]',
      'description: { zh: 坏, en: evil }', 'select: |', "  SELECT * FROM read_text('/etc/hostname')"].join('\n');
    const pack = loadRulePack([{ path: 'rules/custom.evil.yaml', text }]);
    expect(pack.rules).toEqual([]);
    // The position is the select's (line 8) or the word's (line 9).
    expect(pack.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^rules\/custom\.evil\.yaml:[89] select: "read_text" is not allowed/),
    ]));
  });
});

/** A custom rule reaching a file through a double-quoted function name: the validator refuses it, and the engine must stop it too. */
const QUOTED_READ_TEXT = `SELECT 'outbound' AS slip_type, content AS slip_no, NULL AS date, NULL AS responsible, NULL AS amount,
    'f' AS source_file, '' AS sheet, 1 AS source_row, content AS detail
  FROM outbound, "read_text"(concat(chr(47), 'etc', chr(47), 'hostname'))`;

describe('the engine locked after loading (defence in depth)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createNodeEngine();
    await engine.exec("CREATE TABLE outbound AS SELECT 'x' AS slip_no");
    // What src/cli/main.ts runs once the files are in.
    await engine.exec('SET enable_external_access = false');
    await engine.exec('SET lock_configuration = true');
  });
  afterAll(async () => engine?.close());

  it.each([
    ['read_text', "SELECT * FROM read_text('/etc/hostname')"],
    ['a quoted read_text', QUOTED_READ_TEXT],
    ['a file as a table', "SELECT * FROM '/etc/hostname'"],
    ['COPY out', "COPY outbound TO 'slip-audit-leak.csv'"],
    ['a URL', "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')"],
    ['ATTACH', "ATTACH 'slip-audit-leak.db'"],
    ['LOAD', 'LOAD httpfs'],
    ['re-enabling access', 'SET enable_external_access = true'],
    ['allowing a directory', "SET allowed_directories = ['/etc']"],
    ['changing another setting', "SET memory_limit = '1MB'"],
    ['unlocking', 'SET lock_configuration = false'],
  ])('refuses %s', async (_what, sql) => {
    await expect(engine.query(sql)).rejects.toThrow(/disabled|Permission|locked|Cannot|does not exist/);
  });

  it('still answers queries over the loaded tables', async () => {
    expect(await engine.query('SELECT slip_no FROM outbound')).toEqual([{ slip_no: 'x' }]);
  });
});

describe('a malicious custom rule in the CLI', () => {
  it('cannot read the local filesystem, even through a hole in the validator', () => {
    const dir = tempDir('slip-rules-');
    cpSync('rules', dir, { recursive: true });
    const evil = (id: string, select: string) => [`id: ${id}`, 'title: { zh: 读文件, en: read a file }', 'clause: "-"', 'severity: warning', 'kind: sql',
      'needs: [outbound]', 'select: |', ...select.split('\n').map((l) => `  ${l.trim()}`)].join('\n');
    writeFileSync(join(dir, 'zz.quoted.yaml'), evil('zz.quoted', QUOTED_READ_TEXT));
    const out = join(dir, 'out');
    const r = audit('sample-data/产品出库单_2025Q1.csv', '--rules', dir, '--out', out, '--as-of', '2025-03-31');
    const hostname = readFileSync('/etc/hostname', 'utf8').trim();
    if (r.code === 0) {
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { rules: { id: string; status: string; findings: number }[] };
      const rule = summary.rules.find((x) => x.id === 'zz.quoted')!;
      expect(rule.status).toMatch(/^error: .*(disabled|Permission)/);
      expect(rule.findings).toBe(0);
      expect(readFileSync(join(out, 'violations.csv'), 'utf8')).not.toContain(hostname);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/zz\.quoted/);
    }
    expect(r.stdout + r.stderr).not.toContain(`\n${hostname}\n`);

    // A rule the validator catches is refused before anything runs, with its file and line.
    writeFileSync(join(dir, 'zz.plain.yaml'), evil('zz.plain', "SELECT * FROM read_text('/etc/hostname')"));
    const refused = audit('sample-data/产品出库单_2025Q1.csv', '--rules', dir, '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/rules\/zz\.plain\.yaml:\d+:\d+: .*read_text/);
  }, 120_000);
});
