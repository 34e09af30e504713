/**
 * `npm run bench`: how long loading and auditing take, and how much memory, as the data
 * grows. Prints figures; it is not a test and asserts nothing about them.
 *
 *   npm run bench -- [--rows N] [--sizes 100000,1000000] [--engine native|wasm]
 *                    [--skip-gbk] [--cli] [--reference] [--repeat N] [--browser] [--profile] [--rules-budget SECONDS]
 *
 * For each size (outbound lines) the data set is generated once into .bench/<size>/
 * (scripts/bench-data.ts), then each measurement runs in a fresh child process with a
 * fresh engine, so that its memory peak is its own:
 *   - load: all files with outbound.csv as UTF-8 (read, JS decode/parse/build, bulk load,
 *     typed INSERT), then the audit (runAudit with the product's rule pack);
 *   - the same load with outbound as GBK (unless --skip-gbk);
 *   - --cli: the command line end to end, as `npm run audit` starts it (scripts/audit.mjs: the
 *     bundle in build/cli when it is up to date, else the TypeScript sources);
 *   - --repeat N (with --cli and --reference): N more runs of both, taken in turns, and the
 *     median of the N + 1 ratios CLI ÷ reference (one pair swings by ±15% on a busy machine);
 *     the browser is then compared with the median of the reference's N + 1 runs;
 *   - --reference: native DuckDB (its default in-memory database) reading the same files itself
 *     with read_csv (all VARCHAR, converted in SQL), then the same rule pack: what an expert
 *     would do by hand;
 *   - --browser: the production app in headless Chromium (scripts/bench-browser.ts): files
 *     handed to the file input → findings shown, with and without the GBK outbound; then the
 *     as-of date, a rule parameter, a findings filter and a sort; long tasks and the memory
 *     of the Chromium processes;
 *   - --profile: a CPU profile of an extra load run at the largest size, summarised by self time.
 * A run whose rules step outlives --rules-budget (default 600 s) is stopped; its load
 * figures are kept and its rules time is shown as ">budget".
 * Peak RSS is sampled every 50 ms from a worker thread (the load is mostly synchronous JS,
 * which would starve a timer on the main thread); heapUsed is sampled on the main thread
 * every 50 ms and at each file boundary, so its peak is a lower bound.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { Engine, Row } from '../src/core/engine';
import type { InputFile } from '../src/core/audit/types';
import type { FieldDef } from '../src/core/types';
import { loadFiles } from '../src/core/audit/load';
import { runAudit } from '../src/core/audit/audit';
import { tableDDL } from '../src/core/audit/tables';
import { loadRulePack } from '../src/core/rules/load';
import { slipTypeDef } from '../src/core/schema/slip-types';
import { ident, lit } from '../src/core/sql/sql';
import { readRuleFiles } from '../src/cli/files';
import { createEngine } from '../src/cli/engine';
import { createNodeEngine } from '../src/engine/duckdb-node';
import { BENCH_DATA_VERSION, BENCH_FILES, GBK_OUTBOUND } from './bench-data';
import { startBrowserBench, type BrowserBench, type BrowserRun } from './bench-browser';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

type EngineKind = 'native' | 'wasm';

interface Job {
  mode: 'pipeline' | 'reference';
  dir: string;
  gbk: boolean;
  rules: boolean;
  engine: EngineKind;
}

interface FileTiming { file: string; ms: number; parseMs: number; buildMs: number; bulkMs: number; sqlMs: number }

interface Result {
  engineName: string;
  engineStartMs: number;
  readMs: number;
  loadMs: number;
  parseMs: number;
  buildMs: number;
  bulkMs: number;
  sqlMs: number;
  /** null: the rules did not finish within the budget (the child was stopped). */
  rulesMs: number | null;
  /** The slowest queries of the rules step (rules and KPIs), with their time. */
  slowQueries: { ms: number; sql: string }[];
  rowsLoaded: number;
  rowsRejected: number;
  bytes: number;
  files: FileTiming[];
  findings: number;
  rulesRan: number;
  ruleErrors: string[];
  peakRss: number;
  maxRss: number;
  peakHeap: number;
}

// ---------------------------------------------------------------- memory sampling

/** Process RSS every 50 ms from another thread; the peak is published in shared memory. */
function startRssSampler(): { peak: () => number; stop: () => Promise<void> } {
  const sab = new SharedArrayBuffer(8);
  const peak = new Float64Array(sab);
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const peak = new Float64Array(workerData);
     const tick = () => { const r = process.memoryUsage.rss(); if (r > peak[0]) peak[0] = r; };
     tick(); setInterval(tick, 50);`,
    { eval: true, workerData: sab },
  );
  worker.unref();
  return { peak: () => peak[0], stop: async () => { await worker.terminate(); } };
}

function startHeapSampler(): { sample: () => void; peak: () => number; stop: () => void } {
  let peak = 0;
  const sample = () => { const h = process.memoryUsage().heapUsed; if (h > peak) peak = h; };
  const timer = setInterval(sample, 50);
  return { sample, peak: () => peak, stop: () => clearInterval(timer) };
}

// ---------------------------------------------------------------- one measurement (child process)

/** An engine that counts the time spent in bulk loads and in statements, per file being loaded. */
function timedEngine(engine: Engine, current: () => FileTiming | undefined, queries: { ms: number; sql: string }[]): Engine {
  const time = async <T>(key: 'bulkMs' | 'sqlMs', f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      const file = current();
      if (file) file[key] += performance.now() - t;
    }
  };
  return {
    name: engine.name,
    loadColumns: (name, columns, data) => time('bulkMs', () => engine.loadColumns(name, columns, data)),
    // Every way of handing the engine a file, so that the loader takes the paths it takes with the real engine.
    ...(engine.registerText ? { registerText: (text: string) => time('bulkMs', () => engine.registerText!(text)) } : {}),
    ...(engine.registerBytes ? { registerBytes: (bytes: Uint8Array, keep?: boolean) => time('bulkMs', () => engine.registerBytes!(bytes, keep)) } : {}),
    ...(engine.registerHandle ? { registerHandle: (handle: unknown, range?: readonly [number, number]) => time('bulkMs', () => engine.registerHandle!(handle, range)) } : {}),
    ...(engine.registerTextChunks ? { registerTextChunks: (chunks: Iterable<string>) => time('bulkMs', () => engine.registerTextChunks!(chunks)) } : {}),
    exec: (sql) => time('sqlMs', () => engine.exec(sql)),
    query: async <R extends Row = Row>(sql: string) => {
      const t = performance.now();
      const rows = await engine.query<R>(sql);
      queries.push({ ms: performance.now() - t, sql: sql.replace(/\s+/g, ' ').trim().slice(0, 90) });
      return rows;
    },
    close: () => engine.close(),
  };
}

function slowest(queries: readonly { ms: number; sql: string }[]): { ms: number; sql: string }[] {
  return [...queries].sort((a, b) => b.ms - a.ms).slice(0, 3);
}

function inputNames(gbk: boolean): string[] {
  return BENCH_FILES.map((f) => (gbk && f.type === 'outbound' ? GBK_OUTBOUND : f.file));
}

type Body = Omit<Result, 'peakRss' | 'maxRss' | 'peakHeap'>;

/** Runs the load, reports it (so a rules step stopped for its time budget still leaves the load figures), then the rules. */
async function runPipeline(job: Job, heap: { sample: () => void }, report: (b: Body) => void): Promise<Body> {
  let t = performance.now();
  const raw = await createEngine(job.engine);
  const engineStartMs = performance.now() - t;

  t = performance.now();
  const inputs: InputFile[] = [];
  // As the command line hands them over: the bytes, and the path for an engine that reads the file itself.
  for (const name of inputNames(job.gbk)) inputs.push({ name, bytes: new Uint8Array(await readFile(join(job.dir, name))), handle: join(job.dir, name) });
  const readMs = performance.now() - t;
  const bytes = inputs.reduce((s, f) => s + f.bytes.length, 0);
  heap.sample();

  const files: (FileTiming & { start: number; parsed: number })[] = [];
  const queries: { ms: number; sql: string }[] = [];
  const engine = timedEngine(raw, () => files[files.length - 1], queries);
  try {
    t = performance.now();
    const load = await loadFiles(engine, inputs, {
      onProgress: (p) => {
        heap.sample();
        const now = performance.now();
        if (p.phase === 'read') files.push({ file: p.file, start: now, parsed: now, ms: 0, parseMs: 0, buildMs: 0, bulkMs: 0, sqlMs: 0 });
        else if (p.phase === 'parse') files[files.length - 1].parsed = now;
        else files[files.length - 1].ms = now - files[files.length - 1].start;
      },
    });
    const loadMs = performance.now() - t;
    inputs.length = 0;
    heap.sample();
    for (const f of files) {
      // A text file on the DuckDB fast path reports 'parse' after its SQL ran: its JS time
      // (hash, decode, the record pass, values parsed once per distinct raw value) is all
      // that is not engine time, and there is no separate row building.
      const js = f.ms - f.bulkMs - f.sqlMs;
      f.parseMs = Math.min(f.parsed - f.start, js);
      f.buildMs = js - f.parseMs;
    }

    const sum = (k: 'parseMs' | 'buildMs' | 'bulkMs' | 'sqlMs') => files.reduce((s, f) => s + f[k], 0);
    const body: Body = {
      engineName: raw.name, engineStartMs, readMs, loadMs, parseMs: sum('parseMs'), buildMs: sum('buildMs'), bulkMs: sum('bulkMs'),
      sqlMs: sum('sqlMs'), rulesMs: null, slowQueries: [],
      rowsLoaded: load.tables.reduce((s, x) => s + x.rows_loaded, 0), rowsRejected: load.tables.reduce((s, x) => s + x.rows_rejected, 0),
      bytes, files: files.map(({ start: _s, parsed: _p, ...f }) => f), findings: 0, rulesRan: 0, ruleErrors: [],
    };
    if (!job.rules) return { ...body, rulesMs: 0 };
    report(body);
    queries.length = 0;
    let rulesMs = 0, findings = 0, rulesRan = 0;
    const ruleErrors: string[] = [];
    {
      const pack = loadRulePack(await readRuleFiles(join(ROOT, 'rules')));
      for (const p of pack.problems) ruleErrors.push(`${p.file}:${p.line}:${p.col}: ${p.message}`);
      await engine.exec('SET enable_external_access = false');
      t = performance.now();
      const run = await runAudit(engine, pack.rules);
      rulesMs = performance.now() - t;
      findings = run?.findings.length ?? 0;
      for (const s of run?.statuses ?? []) {
        if (s.status === 'ran') rulesRan++;
        else if (s.status.startsWith('error')) ruleErrors.push(`${s.id}: ${s.status}`);
      }
    }
    return { ...body, rulesMs, slowQueries: slowest(queries), findings, rulesRan, ruleErrors };
  } finally {
    await raw.close();
  }
}

// ---------------------------------------------------------------- the native read_csv reference

const FLAG_YES = ['是', 'y', 'yes', 'true', '1', '√', '✓', '✔', '已', '有', '已盖章', '合格', '已确认', '已审核', '已回签', '已签', '已签字'];
const PLACEHOLDERS = ['', '-', '—', '/', '无', 'n/a', 'na', 'null', '未签', '待签', '待审', '未签字', '待签字', '待审核'];

/** SQL turning a VARCHAR column of the generated files into the field's typed value. */
function castSql(col: string, f: FieldDef): string {
  const v = `trim(${col})`;
  switch (f.kind) {
    case 'text': return `NULLIF(${v}, '')`;
    case 'signature': return `CASE WHEN ${col} IS NULL OR lower(${v}) IN (${PLACEHOLDERS.map(lit).join(', ')}) THEN NULL ELSE ${v} END`;
    case 'flag': return `coalesce(lower(${v}) IN (${FLAG_YES.map(lit).join(', ')}), false)`;
    case 'number': return `TRY_CAST(replace(${v}, ',', '') AS DECIMAL(18,4))`;
    case 'duration':
      return `CASE WHEN contains(${v}, ':') THEN CAST(split_part(${v}, ':', 1) AS INTEGER) * 60 + CAST(split_part(${v}, ':', 2) AS INTEGER) ELSE TRY_CAST(${v} AS DECIMAL(18,4)) END`;
    case 'date': return `TRY_CAST(replace(${v}, '/', '-') AS DATE)`;
    case 'datetime': return `TRY_CAST(replace(${v}, '/', '-') AS TIMESTAMP)`;
    case 'enum': {
      const whens = Object.entries(f.values ?? {}).flatMap(([canon, spellings]) =>
        [canon, ...spellings].map((s) => `WHEN ${lit(s.toLowerCase())} THEN ${lit(canon)}`));
      return `CASE lower(coalesce(${v}, '')) WHEN '' THEN ${f.emptyValue ? lit(f.emptyValue) : 'NULL'} ${whens.join(' ')} ELSE ${v} END`;
    }
  }
}

async function runReference(job: Job, report: (b: Body) => void): Promise<Body> {
  let t = performance.now();
  // DuckDB as an expert would start it by hand: the default in-memory database (the product
  // keeps its tables compressed, src/engine/setup.ts).
  const raw = await createNodeEngine({ plain: true });
  const queries: { ms: number; sql: string }[] = [];
  const engine = timedEngine(raw, () => undefined, queries);
  const engineStartMs = performance.now() - t;
  try {
    t = performance.now();
    let rows = 0, bytes = 0;
    const files: FileTiming[] = [];
    for (const spec of BENCH_FILES) {
      const def = slipTypeDef(spec.type);
      if (!def) throw new Error(`unknown type ${spec.type}`);
      const path = join(job.dir, spec.file);
      bytes += readFileSync(path).length;
      const headerOf = new Map(spec.columns.map(([h, f]) => [f, h]));
      const cols = def.fields.map((f) => {
        const h = headerOf.get(f.name);
        return h === undefined ? 'NULL' : castSql(ident(h), f);
      });
      const f0 = performance.now();
      await engine.exec(tableDDL(def));
      await engine.exec(`INSERT INTO ${ident(def.id)} SELECT ${cols.join(', ')}, ${lit(spec.file)}, '', CAST(row_number() OVER () + 1 AS INTEGER), NULL
        FROM read_csv(${lit(path)}, header = true, all_varchar = true, delim = ',', quote = '"')`);
      const ms = performance.now() - f0;
      files.push({ file: spec.file, ms, parseMs: 0, buildMs: 0, bulkMs: 0, sqlMs: ms });
      rows += Number((await engine.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${ident(def.id)}`))[0].n);
    }
    const loadMs = performance.now() - t;
    const body: Body = {
      engineName: raw.name, engineStartMs, readMs: 0, loadMs, parseMs: 0, buildMs: 0, bulkMs: 0, sqlMs: loadMs, rulesMs: null, slowQueries: [],
      rowsLoaded: rows, rowsRejected: 0, bytes, files, findings: 0, rulesRan: 0, ruleErrors: [],
    };
    report(body);
    queries.length = 0;
    const pack = loadRulePack(await readRuleFiles(join(ROOT, 'rules')));
    t = performance.now();
    const run = await runAudit(engine, pack.rules);
    const rulesMs = performance.now() - t;
    const statuses = run?.statuses ?? [];
    return {
      ...body, rulesMs, slowQueries: slowest(queries), findings: run?.findings.length ?? 0,
      rulesRan: statuses.filter((s) => s.status === 'ran').length,
      ruleErrors: statuses.filter((s) => s.status.startsWith('error')).map((s) => `${s.id}: ${s.status}`),
    };
  } finally {
    await raw.close();
  }
}

async function child(jobFile: string, outFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as Job;
  const rss = startRssSampler();
  const heap = startHeapSampler();
  const write = (b: Body) => {
    heap.sample();
    const result: Result = { ...b, peakRss: rss.peak(), maxRss: process.resourceUsage().maxRSS * 1024, peakHeap: heap.peak() };
    writeFileSync(outFile, JSON.stringify(result));
  };
  write(job.mode === 'reference' ? await runReference(job, write) : await runPipeline(job, heap, write));
  heap.stop();
  await rss.stop();
}

// ---------------------------------------------------------------- the driver

/** Run node; past `timeoutMs` the child (and only it) is stopped and `timedOut` is set. */
function spawnNode(args: readonly string[], timeoutMs = 0): Promise<{ code: number; ms: number; stdout: string; stderr: string; timedOut: boolean }> {
  const started = performance.now();
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, timeoutMs) : undefined;
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', rej);
    p.on('close', (code) => { clearTimeout(timer); res({ code: code ?? 1, ms: performance.now() - started, stdout, stderr, timedOut }); });
  });
}

async function measure(job: Job, work: string, timeoutMs: number, profileDir?: string): Promise<Result> {
  const jobFile = join(work, 'job.json');
  const outFile = join(work, 'result.json');
  rmSync(outFile, { force: true });
  writeFileSync(jobFile, JSON.stringify(job));
  const prof = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const r = await spawnNode([...prof, '--import', 'tsx', SELF, '--child', jobFile, '--result', outFile], timeoutMs);
  if ((r.code !== 0 && !r.timedOut) || !existsSync(outFile)) throw new Error(`measurement failed (exit ${r.code}):\n${r.stderr}`);
  return JSON.parse(readFileSync(outFile, 'utf8')) as Result;
}

/** Generate the data set for a size unless an identical one is cached. */
async function ensureData(rows: number): Promise<string> {
  const dir = join(ROOT, '.bench', String(rows));
  const marker = join(dir, '.complete');
  const want = JSON.stringify({ version: BENCH_DATA_VERSION, rows });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return dir;
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`generating ${rows} outbound lines into .bench/${rows}/ …\n`);
  const r = await spawnNode(['--import', 'tsx', join(ROOT, 'scripts', 'bench-data.ts'), '--rows', String(rows), '--out', dir]);
  if (r.code !== 0) throw new Error(`bench-data failed:\n${r.stderr}`);
  process.stderr.write(`  generated in ${(r.ms / 1000).toFixed(1)} s\n`);
  writeFileSync(marker, want);
  return dir;
}

interface CliTiming { ms: number; timedOut: boolean; code: number; own: string }

/** The CLI end to end, as a user runs it, within the time budget. */
async function timeCli(dir: string, engine: EngineKind, work: string, timeoutMs: number): Promise<CliTiming> {
  const out = join(work, 'cli-out');
  const args = ['--max-old-space-size=16384', join(ROOT, 'scripts', 'audit.mjs'), ...inputNames(false).map((n) => join(dir, n)), '--out', out, '--engine', engine];
  const r = await spawnNode(args, timeoutMs);
  return { ms: r.ms, timedOut: r.timedOut, code: r.code, own: /in ([\d.]+) s/.exec(r.stdout)?.[1] ?? '?' };
}

/** Top functions by self time of a .cpuprofile. */
function summariseProfile(dir: string, top = 18): string[] {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return ['(no profile written)'];
  const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[]; timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = prof.timeDeltas[i] ?? 0;
    if (!n || n.callFrame.functionName === '(idle)') return;
    total += dt;
    const cf = n.callFrame;
    const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '').replace(/^.*node_modules\//, '')}${cf.lineNumber > 0 ? `:${cf.lineNumber + 1}` : ''}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, us]) => `${(us / 1e6).toFixed(2).padStart(7)} s ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
}

const s = (ms: number): string => (ms / 1000).toFixed(2);
const mb = (b: number): string => (b / 1048576).toFixed(0);

async function driver(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' }, sizes: { type: 'string', default: '100000,1000000' }, engine: { type: 'string', default: 'native' },
      'skip-gbk': { type: 'boolean', default: false }, cli: { type: 'boolean', default: false },
      reference: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false },
      browser: { type: 'boolean', default: false }, repeat: { type: 'string', default: '0' },
      'rules-budget': { type: 'string', default: '600' },
    },
  });
  const budget = Number(values['rules-budget']) * 1000;
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 0) throw new Error('--repeat: an integer ≥ 0');
  if (!(budget > 0)) throw new Error('--rules-budget: seconds > 0');
  const sizes = (values.rows ?? values.sizes).split(',').map((x) => Number(x.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error('--rows/--sizes: integers ≥ 10');
  if (values.engine !== 'native' && values.engine !== 'wasm') throw new Error('--engine: native or wasm');
  const engine = values.engine as EngineKind;
  const work = mkdtempSync(join(tmpdir(), 'slip-bench-'));
  const say = (line: string) => process.stdout.write(`${line}\n`);

  interface SizeRow {
    rows: number; utf: Result; gbk?: Result; cli?: CliTiming; ref?: Result; profile?: string[]; web?: BrowserRun; webGbk?: BrowserRun;
    /** Bytes of the input with the outbound file in GBK (the browser's GBK run). */
    gbkBytes?: number;
    /** CLI wall time ÷ reference (load + rules), one per pair of runs. */
    cliRatios: number[];
    /** The reference's load + rules, one per run (with --repeat, N + 1 runs). */
    refTimes: number[];
  }
  const table: SizeRow[] = [];
  let browser: BrowserBench | undefined;
  try {
    if (values.browser) {
      process.stderr.write('building the app and starting Chromium …\n');
      browser = await startBrowserBench();
    }
    for (const rows of sizes) {
      const dir = await ensureData(rows);
      process.stderr.write(`${rows}: load + rules (${engine}, UTF-8) …\n`);
      // The budget is for the rules step; loading gets as long again on top of it.
      const timeout = 2 * budget;
      const row: SizeRow = { rows, utf: await measure({ mode: 'pipeline', dir, gbk: false, rules: true, engine }, work, timeout), cliRatios: [], refTimes: [] };
      if (!values['skip-gbk']) {
        process.stderr.write(`${rows}: load (${engine}, outbound as GBK) …\n`);
        row.gbk = await measure({ mode: 'pipeline', dir, gbk: true, rules: false, engine }, work, timeout);
      }
      if (values.cli) {
        process.stderr.write(`${rows}: CLI end to end …\n`);
        row.cli = await timeCli(dir, engine, work, timeout);
      }
      if (values.reference) {
        process.stderr.write(`${rows}: native read_csv reference …\n`);
        row.ref = await measure({ mode: 'reference', dir, gbk: false, rules: true, engine: 'native' }, work, timeout);
      }
      const pair = (cli: CliTiming | undefined, ref: Result | undefined) => {
        if (ref && ref.rulesMs !== null) row.refTimes.push(ref.loadMs + ref.rulesMs);
        if (cli && !cli.timedOut && ref && ref.rulesMs !== null) row.cliRatios.push(cli.ms / (ref.loadMs + ref.rulesMs));
      };
      pair(row.cli, row.ref);
      for (let k = 0; k < repeat && values.cli && values.reference; k++) {
        process.stderr.write(`${rows}: CLI and reference again (${k + 1}/${repeat}) …\n`);
        const ref = await measure({ mode: 'reference', dir, gbk: false, rules: true, engine: 'native' }, work, timeout);
        pair(await timeCli(dir, engine, work, timeout), ref);
      }
      if (values.profile && rows === Math.max(...sizes)) {
        // A separate run, so that the profiler's overhead stays out of the figures above.
        process.stderr.write(`${rows}: CPU profile of the load (UTF-8) …\n`);
        const profileDir = mkdtempSync(join(work, 'prof-'));
        await measure({ mode: 'pipeline', dir, gbk: false, rules: false, engine }, work, timeout, profileDir);
        row.profile = summariseProfile(profileDir);
      }
      if (browser) {
        process.stderr.write(`${rows}: browser, files → findings (UTF-8), then rules panel and findings filters …\n`);
        row.web = await browser.run(inputNames(false).map((n) => join(dir, n)), { interact: true, timeoutMs: timeout });
        if (!values['skip-gbk']) {
          process.stderr.write(`${rows}: browser, files → findings (outbound as GBK) …\n`);
          const gbkFiles = inputNames(true).map((n) => join(dir, n));
          row.webGbk = await browser.run(gbkFiles, { interact: false, timeoutMs: timeout });
          row.gbkBytes = gbkFiles.reduce((n, f) => n + statSync(f).size, 0);
        }
      }
      table.push(row);
    }
  } finally {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  }

  const first = table[0];
  const over = `>${s(budget)}`;
  const loadOf = (r: Result) => r.readMs + r.loadMs;
  const totalOf = (r: Result) => (r.rulesMs === null ? null : loadOf(r) + r.rulesMs);
  const secs = (ms: number | null, lowerBound: number) => (ms === null ? `>${s(lowerBound)}` : s(ms));
  say('');
  say(`engine: ${first.utf.engineName}; node ${process.version}; load = read files + loadFiles (all 12 files); total = load + rules (runAudit: rules + KPIs); engine start not included; ">" = stopped at the rules budget`);
  const head = ['outbound lines', 'all rows', 'MB', 'load s', 'rows/s', 'GBK load s', 'GBK/UTF-8', 'rules s', 'total s', 'peak RSS MB', 's per M lines', `growth vs ${first.rows}`];
  const lines = table.map((r) => {
    const u = r.utf;
    const total = totalOf(u);
    const firstTotal = totalOf(first.utf);
    return [
      String(r.rows), String(u.rowsLoaded), (u.bytes / 1e6).toFixed(0), s(loadOf(u)), String(Math.round(u.rowsLoaded / (loadOf(u) / 1000))),
      r.gbk ? s(loadOf(r.gbk)) : '-', r.gbk ? (loadOf(r.gbk) / loadOf(u)).toFixed(2) : '-', u.rulesMs === null ? over : s(u.rulesMs),
      secs(total, loadOf(u) + budget), mb(Math.max(u.peakRss, r.gbk?.peakRss ?? 0)),
      total === null ? '-' : s(total / (r.rows / 1e6)),
      r === first ? '1.00' : `${total === null || firstTotal === null ? `load ${(loadOf(u) / loadOf(first.utf)).toFixed(2)}` : (total / firstTotal).toFixed(2)} (rows ×${(r.rows / first.rows).toFixed(0)})`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  say(fmt(head));
  say(`|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`);
  for (const l of lines) say(fmt(l));

  const slow = (x: Result) => x.slowQueries.map((q) => `${s(q.ms)} s ${q.sql}`).join('\n      ');
  for (const r of table) {
    const u = r.utf;
    say('');
    say(`## ${r.rows} outbound lines`);
    say(`  engine start ${s(u.engineStartMs)} s; read files ${s(u.readMs)} s; loadFiles ${s(u.loadMs)} s = hash+decode+CSV parse ${s(u.parseMs)} + detect+build rows ${s(u.buildMs)} + bulk load (loadColumns) ${s(u.bulkMs)} + typed INSERT…SELECT ${s(u.sqlMs)}`);
    say(`  rows loaded ${u.rowsLoaded}, rejected ${u.rowsRejected}; rules: ${u.rulesMs === null ? `not finished within ${s(budget)} s` : `${u.rulesRan} ran, ${u.findings} findings, ${s(u.rulesMs)} s`}${u.ruleErrors.length ? `; problems: ${u.ruleErrors.join(' | ')}` : ''}`);
    if (u.slowQueries.length) say(`  slowest queries of the rules step:\n      ${slow(u)}`);
    say(`  memory (UTF-8 run${u.rulesMs === null ? ', until stopped' : ''}): peak RSS sampled ${mb(u.peakRss)} MB, kernel high-water ${mb(u.maxRss)} MB, heapUsed peak ≥ ${mb(u.peakHeap)} MB`);
    const ob = (x: Result) => x.files.find((f) => f.file.startsWith('outbound'));
    const o = ob(u);
    if (o) say(`  outbound.csv: ${s(o.ms)} s = parse ${s(o.parseMs)} + build ${s(o.buildMs)} + bulk ${s(o.bulkMs)} + insert ${s(o.sqlMs)}`);
    const og = r.gbk && ob(r.gbk);
    if (r.gbk && og && o) {
      say(`  ${GBK_OUTBOUND}: ${s(og.ms)} s = parse ${s(og.parseMs)} + build ${s(og.buildMs)} + bulk ${s(og.bulkMs)} + insert ${s(og.sqlMs)} (×${(og.ms / o.ms).toFixed(2)} the UTF-8 file); GBK run peak RSS ${mb(r.gbk.peakRss)} MB`);
    }
    const others = u.files.filter((f) => !f.file.startsWith('outbound')).sort((a, b) => b.ms - a.ms).slice(0, 4);
    say(`  slowest other files: ${others.map((f) => `${f.file} ${s(f.ms)} s`).join(', ')}`);
    if (r.cli) {
      say(`  CLI end to end: ${r.cli.timedOut ? `stopped after ${s(r.cli.ms)} s` : `${s(r.cli.ms)} s wall, exit ${r.cli.code} (its own load+rules+outputs: ${r.cli.own} s)`}`);
    }
    if (r.ref) {
      say(`  reference, native read_csv into DuckDB's default in-memory database (all VARCHAR, cast in SQL): load ${s(r.ref.loadMs)} s, rules ${r.ref.rulesMs === null ? over : s(r.ref.rulesMs)} s, ${r.ref.rowsLoaded} rows, ${r.ref.findings} findings, peak RSS ${mb(r.ref.peakRss)} MB`);
    }
    if (r.refTimes.length > 1) say(`  reference's load + rules over its ${r.refTimes.length} runs: ${r.refTimes.map(s).join(', ')} s (median ${s(median(r.refTimes))} s; the browser's ratio takes the median)`);
    if (r.cliRatios.length) {
      say(`  CLI ÷ reference: ${median(r.cliRatios).toFixed(2)}${r.cliRatios.length > 1 ? ` (median of ${r.cliRatios.length} pairs: ${r.cliRatios.map((x) => x.toFixed(2)).join(', ')})` : ''}`);
    }
    if (r.profile) {
      say('  CPU profile of a separate load run (UTF-8, no rules), main thread, top functions by self time (idle excluded):');
      for (const l of r.profile) say(`    ${l}`);
    }
  }
  if (browser) printBrowser(table, browser.version, say);
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The browser figures beside the others: total = files handed over → findings-total final
 * (load + opening the findings view); ratios are browser total over the in-process total
 * (load + rules), the CLI wall time and the native read_csv reference (load + rules; the
 * median of its runs when there are several, --repeat).
 */
function printBrowser(
  table: readonly { rows: number; utf: Result; cli?: CliTiming; refTimes: number[]; web?: BrowserRun; webGbk?: BrowserRun; gbkBytes?: number }[],
  version: string, say: (line: string) => void,
): void {
  const webTotal = (w: BrowserRun) => w.loadMs + w.findingsViewMs;
  const ratio = (a: number, b: number | null | undefined) => (b ? (a / b).toFixed(2) : '-');
  say('');
  say(`browser: Chromium ${version} headless, production build; times from the user's event to the frame showing the result; memory = Chromium processes, peak over the load`);
  const head = ['outbound lines', 'load s', 'of which files s', '→ findings s', 's per M lines', 'GBK → findings s', 'longest task ms', 'long tasks (sum ms)',
    'peak PSS MB', 'peak RSS MB', 'renderer MB', 'as-of s', 'param s', 'filter s', 'sort s', '× in-process', '× CLI', '× reference'];
  const lines = table.filter((r) => r.web).map((r) => {
    const w = r.web as BrowserRun;
    const i = w.interactions;
    const inProcess = r.utf.rulesMs === null ? null : r.utf.readMs + r.utf.loadMs + r.utf.rulesMs;
    // The reference's time swings by ±15% from run to run: its median over the runs taken.
    const ref = r.refTimes.length ? median(r.refTimes) : null;
    const cli = r.cli && !r.cli.timedOut ? r.cli.ms : null;
    return [
      String(r.rows), s(w.loadMs), w.filesMs === null ? '-' : s(w.filesMs), s(webTotal(w)), s(webTotal(w) / (r.rows / 1e6)),
      r.webGbk ? s(webTotal(r.webGbk)) : '-', w.longestTaskMs.toFixed(0), `${w.longTasks} (${w.longTaskTotalMs.toFixed(0)})`,
      mb(Math.max(w.memory.pss, r.webGbk?.memory.pss ?? 0)), mb(Math.max(w.memory.rss, r.webGbk?.memory.rss ?? 0)),
      mb(Math.max(w.memory.renderer, r.webGbk?.memory.renderer ?? 0)),
      i ? s(i.asOfMs) : '-', i ? s(i.paramMs) : '-', i ? s(i.filterMs) : '-', i ? s(i.sortMs) : '-',
      ratio(webTotal(w), inProcess), ratio(webTotal(w), cli), ratio(webTotal(w), ref),
    ];
  });
  const widths = head.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, k) => c.padStart(widths[k])).join(' | ')} |`;
  say(fmt(head));
  say(`|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`);
  for (const l of lines) say(fmt(l));
  for (const r of table) {
    const w = r.web;
    if (!w) continue;
    say('');
    say(`## browser, ${r.rows} outbound lines`);
    say(`  engine start (page opened → DuckDB-WASM ready, before the files) ${s(w.engineStartMs)} s; ${w.findings} findings; findings view ${s(w.findingsViewMs)} s`);
    say(`  longest animation frames of the load: ${w.slowScripts.length ? '' : 'none over 50 ms'}`);
    for (const l of w.slowScripts) say(`    ${l}`);
    if (r.webGbk) say(`  GBK run: load ${s(r.webGbk.loadMs)} s, longest task ${r.webGbk.longestTaskMs.toFixed(0)} ms, peak PSS ${mb(r.webGbk.memory.pss)} MB, ${r.webGbk.findings} findings`);
    const i = w.interactions;
    if (i) {
      say(`  as-of → ${i.asOfTo}: ${s(i.asOfMs)} s; ${i.param}: ${s(i.paramMs)} s; filter ${i.filter}: ${s(i.filterMs)} s; sort by amount: ${s(i.sortMs)} s`);
      say(`  interactions: longest main-thread task ${i.longestTaskMs.toFixed(0)} ms, peak PSS ${mb(i.memory.pss)} MB, renderer ${mb(i.memory.renderer)} MB`);
    }
    const m = w.memory;
    const x = (b: number) => `${(b / r.utf.bytes).toFixed(1)}×`;
    say(`  memory against the input (${mb(r.utf.bytes)} MB): renderer peak ${mb(m.renderer)} MB = ${x(m.renderer)}; above the opened page (${mb(m.rendererStart)} MB, DuckDB-WASM ready) ${mb(m.renderer - m.rendererStart)} MB = ${x(m.renderer - m.rendererStart)}; all Chromium processes, PSS ${mb(m.pss)} MB = ${x(m.pss)}`);
    say(`  the renderer's RSS peaked ${s(m.rendererPeakAt)} s into the run (${w.filesMs === null ? 'rules not seen starting' : `files loaded at ${s(w.filesMs)} s: ${m.rendererPeakAt < w.filesMs ? 'while loading' : 'while the rules ran'}`})${r.webGbk ? `; GBK run at ${s(r.webGbk.memory.rendererPeakAt)} s${r.webGbk.filesMs === null ? '' : ` (files loaded at ${s(r.webGbk.filesMs)} s)`}` : ''}`);
    say(`  renderer's private memory (RssAnon + VmSwap: its RSS less Chromium's shared binary and libraries; the "memory footprint" of Chromium's task manager): peak ${mb(m.rendererPrivate)} MB = ${x(m.rendererPrivate)}`);
    if (r.webGbk && r.gbkBytes) {
      const g = r.webGbk.memory;
      const xg = (b: number) => `${(b / r.gbkBytes!).toFixed(1)}×`;
      say(`  GBK run against its input (${mb(r.gbkBytes)} MB): renderer peak ${mb(g.renderer)} MB = ${xg(g.renderer)}, private ${mb(g.rendererPrivate)} MB = ${xg(g.rendererPrivate)}`);
    }
    say(`  page: ${w.pageMemory}`);
  }
}

const argv = process.argv.slice(2);
const at = argv.indexOf('--child');
const main = at >= 0 ? child(argv[at + 1], argv[argv.indexOf('--result') + 1]) : driver();
main.catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
