import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {cpSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../temp-dir';

function audit(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const OUTPUT_FILES = ['violations.csv', 'rejects.csv', 'penalties.csv', 'summary.json', 'evidence.json'];

interface Summary {
  as_of: string;
  files: { name: string; sheet: string; status: string; slip_type: string; rows_read: number; rows_loaded: number; rows_rejected: number; rows_blank: number; rows_totals: number }[];
  rules: { id: string; findings: number; status: string }[];
  kpis: Record<string, unknown>;
}

describe('CLI on sample-data', () => {
  let out: string;
  let first: ReturnType<typeof audit>;
  beforeAll(() => {
    out = tempDir('audit-');
    first = audit('sample-data', '--out', out);
  });

  test('exits 0 and writes every output file', () => {
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    for (const f of OUTPUT_FILES) expect(readFileSync(join(out, f)).length).toBeGreaterThan(0);
    expect(first.stdout).toMatch(/findings/);
  });

  test('violations.csv has the contract columns, BOM and sorted rows', () => {
    const text = readFileSync(join(out, 'violations.csv'), 'utf8');
    expect(text.startsWith('\uFEFFrule_id,severity,slip_type,slip_no,date,responsible,amount,penalty,source_file,source_row,message\r\n')).toBe(true);
    const ids = text.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
    expect(ids.length).toBeGreaterThan(0);
    expect([...ids].sort()).toEqual(ids);
  });

  test('every file reconciles: rows read = loaded + rejected + blank + totals', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const loaded = summary.files.filter((f) => f.status === 'loaded');
    expect(new Set(loaded.map((f) => f.slip_type)).size).toBe(12);
    for (const f of summary.files) {
      expect(f.rows_read, `${f.name} ${f.sheet}`).toBe(f.rows_loaded + f.rows_rejected + f.rows_blank + f.rows_totals);
    }
  });

  test('every rule ran and found its planted breaches', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const planted = JSON.parse(readFileSync('sample-data/planted.json', 'utf8')) as { rules: Record<string, { planted: string[]; must_not_fire: string[] }> };
    const findings = readFileSync(join(out, 'violations.csv'), 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
    expect(summary.rules.length).toBe(39);
    for (const rule of summary.rules) {
      expect(rule.status, rule.id).toBe('ran');
      expect(rule.findings, rule.id).toBeGreaterThan(0);
      const keys = new Set(findings.filter((f) => f[0] === rule.id).map((f) => f[3]));
      for (const key of planted.rules[rule.id]?.planted ?? []) expect(keys.has(key), `${rule.id} ${key}`).toBe(true);
      for (const key of planted.rules[rule.id]?.must_not_fire ?? []) expect(keys.has(key), `${rule.id} must not fire on ${key}`).toBe(false);
    }
  });

  test('evidence.json names the rule pack, the inputs and the outputs with SHA-256', () => {
    const ev = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')) as {
      rule_pack: { id: string; sha256: string }[]; inputs: { name: string; size: number; sha256: string }[]; outputs: Record<string, string>;
    };
    expect(ev.rule_pack.length).toBe(39);
    expect(ev.inputs.length).toBe(10);
    for (const i of ev.inputs) expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(ev.outputs).sort()).toEqual(['penalties.csv', 'rejects.csv', 'summary.json', 'violations.csv']);
    for (const [name, sha] of Object.entries(ev.outputs)) expect(sha, name).toBe(createHash('sha256').update(readFileSync(join(out, name))).digest('hex'));
  });

  test('the WASM engine (the browser\'s DuckDB) gives byte-identical outputs', () => {
    const wasm = tempDir('audit-');
    const r = audit('sample-data', '--out', wasm, '--engine', 'wasm');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    for (const f of OUTPUT_FILES.filter((f) => f !== 'evidence.json')) {
      expect(readFileSync(join(wasm, f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));
    }
  });

  test('a second run gives byte-identical outputs', () => {
    const again = tempDir('audit-');
    expect(audit('sample-data', '--out', again).code).toBe(0);
    for (const f of OUTPUT_FILES) expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
  });

  test('the bundle `npm run audit` starts gives the same bytes as the sources', () => {
    // Built beside the real one (the bundle finds the rules and package.json two folders up).
    const dir = join('build', `cli-test-${process.pid}`);
    try {
      const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.cli.config.ts', '--outDir', dir],
        { encoding: 'utf8', timeout: 120_000 });
      expect(built.status, built.stderr).toBe(0);
      const bundled = tempDir('audit-');
      const r = spawnSync(process.execPath, [join(dir, 'main.mjs'), 'sample-data', '--out', bundled], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      for (const f of OUTPUT_FILES) expect(readFileSync(join(bundled, f)).equals(readFileSync(join(out, f))), f).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('CLI exit status', () => {
  test('usage error → 2 with the reason', () => {
    const r = audit('--as-of', '2025-02-30', 'sample-data');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--as-of/);
    expect(audit().code).toBe(2);
    expect(audit('sample-data', '--type', 'nonsense=x.csv').code).toBe(2);
  });

  test('no file could be loaded → 2, with each file named and its reason', () => {
    const dir = tempDir('audit-in-');
    writeFileSync(join(dir, 'noise.csv'), new Uint8Array([0, 1, 2, 3, 255, 0, 7, 8]));
    writeFileSync(join(dir, 'people.csv'), 'Name,Age\nA,1\n');
    const r = audit(dir, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/noise\.csv: refused/);
    expect(r.stderr).toMatch(/people\.csv: refused: unknown-type: headers=Name\|Age/);
  });

  test('--as-of and --lang en change the outputs', () => {
    const out = tempDir('audit-');
    expect(audit('sample-data', '--out', out, '--as-of', '2025-06-30', '--lang', 'en').code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.as_of).toBe('2025-06-30');
    expect(readFileSync(join(out, 'violations.csv'), 'utf8')).toMatch(/exit pass/i);
  });

  test('an ambiguous table is reported with its candidates, and --type resolves it; --date-order reads d/m/y', () => {
    const dir = tempDir('audit-in-');
    writeFileSync(join(dir, 'lines.csv'), '单据号,日期,产品名称,数量\nCK1,03/04/2025,泵,2\nCK2,2025-04-05,阀,1\n');
    const ambiguous = audit(join(dir, 'lines.csv'), '--out', join(dir, 'o1'));
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/ambiguous-type: .*candidates=.*fg_receipt.*outbound|ambiguous-type: .*candidates=.*outbound.*fg_receipt/);

    const forced = audit(join(dir, 'lines.csv'), '--out', join(dir, 'o2'), '--type', 'outbound=lines.csv');
    expect(forced.code).toBe(0);
    const rejects = readFileSync(join(dir, 'o2', 'rejects.csv'), 'utf8');
    expect(rejects).toMatch(/lines\.csv,,2,日期,03\/04\/2025,ambiguous date/);

    const dmy = audit(join(dir, 'lines.csv'), '--out', join(dir, 'o3'), '--type', 'outbound=lines.csv', '--date-order', 'dmy');
    expect(dmy.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'o3', 'summary.json'), 'utf8')) as Summary;
    expect(summary.files[0]).toMatchObject({ slip_type: 'outbound', rows_loaded: 2, rows_rejected: 0 });
  });

  test('a user-written rule file (a custom SELECT) runs without code changes; a broken one names file:line:col', () => {
    const dir = tempDir('rules-');
    cpSync('rules', dir, { recursive: true });
    writeFileSync(join(dir, 'custom.big-sale.yaml'), [
      'id: custom.big-sale',
      'title: { zh: 大额出库, en: Large sale }',
      'clause: "internal"',
      'severity: warning',
      'kind: sql',
      'needs: [outbound]',
      'params: { limit: 100000 }',
      'description: { zh: 单行金额超过限额, en: A line above the amount limit }',
      'select: |',
      '  SELECT \'outbound\' AS slip_type, slip_no, date, salesperson AS responsible, amount, source_file, sheet, source_row,',
      '    \'amount=\' || CAST(amount AS VARCHAR) AS detail',
      '  FROM outbound WHERE amount > {limit}',
      '',
    ].join('\n'));
    const out = join(dir, 'out');
    const r = audit('sample-data', '--out', out, '--rules', dir);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const custom = summary.rules.find((x) => x.id === 'custom.big-sale');
    expect(custom).toMatchObject({ status: 'ran' });
    expect(custom!.findings).toBeGreaterThan(0);

    writeFileSync(join(dir, 'custom.broken.yaml'), 'id: custom.broken\nkind: sql\nneeds: [outbound]\nselect: "COPY outbound TO \'x.csv\'"\n');
    const broken = audit('sample-data', '--out', out, '--rules', dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/custom\.broken\.yaml:\d+:\d+: /);
  });
});

describe('inputs DuckDB reads from disk itself', () => {
  test('the native engine reads an input by its path, and a change after reading is noticed', async () => {
    const { createNodeEngine } = await import('../../src/engine/duckdb-node');
    const { changedSince, seenFile } = await import('../../src/cli/files');
    const dir = tempDir('slip-seen-');
    try {
      const path = join(dir, 'a.csv');
      writeFileSync(path, 'x,y\n1,2\n');
      const engine = await createNodeEngine();
      try {
        const registered = await engine.registerHandle!(path);
        expect(registered?.path).toBe(path);
        expect(await engine.registerHandle!(path, [0, 4])).toBeNull();
        expect(await engine.registerHandle!(new Uint8Array(1))).toBeNull();
        const rows = await engine.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_csv('${path}')`);
        expect(rows[0].n).toBe(1);
      } finally {
        await engine.close();
      }
      const seen = [await seenFile(path, 'a.csv')];
      expect(await changedSince(seen)).toEqual([]);
      writeFileSync(path, 'x,y\n1,2\n3,4\n');
      expect(await changedSince(seen)).toEqual(['a.csv']);
      rmSync(path);
      expect(await changedSince(seen)).toEqual(['a.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
