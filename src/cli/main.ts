/** `npm run audit -- …`: the headless audit. Same core as the app; outputs to --out. */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli, UsageError, USAGE, type CliOptions } from './args';
import { changedSince, collectFiles, readRuleFiles, readWhole, seenFile, type SeenFile } from './files';
import { createEngine } from './engine';
import { loadFiles } from '../core/audit/load';
import { runAudit } from '../core/audit/audit';
import { renderOutputParts } from '../core/audit/outputs';
import { sha256Hex } from '../core/audit/hash';
import { loadRulePack } from '../core/rules/load';
import type { InputFile, LazyInputFile } from '../core/audit/types';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function main(argv: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const { files, missing } = await collectFiles(opts.paths);
  if (missing.length) {
    process.stderr.write(`error: not found: ${missing.join(', ')}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write('error: no .csv .tsv .txt .xlsx or .xls file found in the given paths\n');
    return 2;
  }
  for (const t of opts.types) {
    if (!files.some((f) => f.path === resolve(t.file) || f.name === basename(t.file))) {
      process.stderr.write(`error: --type ${t.type}=${t.file}: that file is not among the inputs\n`);
      return 2;
    }
  }

  const ruleFiles = await readRuleFiles(opts.rulesDir ? resolve(opts.rulesDir) : join(ROOT, 'rules'));
  const pack = loadRulePack(ruleFiles);
  if (pack.problems.length) {
    for (const p of pack.problems) process.stderr.write(`${p.file}:${p.line}:${p.col}: ${p.message}\n`);
    process.stderr.write(`error: ${pack.problems.length} problem(s) in the rule files\n`);
    return 2;
  }

  // Each file is read (and hashed once, for the evidence and the loader) while the one before
  // it loads, and let go after loading: a year of exports is never in memory all at once.
  const inputEvidence: { name: string; size: number; sha256: string }[] = [];
  // The engine may read a file itself (its path is the handle) after it was hashed: its size
  // and time of change before reading, checked again once everything is loaded.
  const seen: SeenFile[] = [];
  const inputs: LazyInputFile[] = files.map((f, i) => ({
    name: f.name,
    async read(): Promise<InputFile> {
      seen.push(await seenFile(f.path, f.name));
      const bytes = await readWhole(f.path);
      const sha256 = sha256File(bytes);
      inputEvidence[i] = { name: f.name, size: bytes.length, sha256 };
      const forced = opts.types.find((t) => resolve(t.file) === f.path || basename(t.file) === f.name);
      return { name: f.name, bytes, type: forced?.type, sha256, handle: f.path };
    },
  }));

  const engine = await createEngine(opts.engine);
  try {
    const started = Date.now();
    let fileStarted = started;
    const load = await loadFiles(engine, inputs, {
      dateOrder: opts.dateOrder,
      onProgress: (p) => {
        if (p.phase === 'read') {
          fileStarted = Date.now();
          process.stderr.write(`[${p.index + 1}/${p.total}] ${p.file} …\n`);
        } else if (p.phase === 'load') {
          process.stderr.write(`[${p.index + 1}/${p.total}] ${p.file}: ${p.rows.toLocaleString('en-US')} rows read in ${((Date.now() - fileStarted) / 1000).toFixed(1)} s\n`);
        }
      },
    });
    for (const name of await changedSince(seen)) {
      process.stderr.write(`error: ${name} changed while it was being read; run the audit again on files that are not being written\n`);
      return 2;
    }
    for (const t of load.tables) {
      const where = t.sheet ? `${t.name} [${t.sheet}]` : t.name;
      if (t.status === 'loaded') {
        process.stderr.write(`  ${where}: ${t.slip_type}, ${t.rows_loaded} loaded, ${t.rows_rejected} rejected, ${t.rows_blank} blank, ${t.rows_totals} totals\n`);
      } else {
        process.stderr.write(`  ${where}: ${t.status}: ${t.reason}\n`);
      }
    }
    if (!load.tables.some((t) => t.status === 'loaded')) {
      process.stderr.write('error: no file could be loaded\n');
      return 2;
    }
    // Rules (including a user's custom SELECT) must not reach the filesystem or the network.
    await engine.exec('SET enable_external_access = false');
    // …and cannot change any setting back (allowed paths, memory limit, this lock) for the rest of the run.
    await engine.exec('SET lock_configuration = true');

    process.stderr.write(`running ${pack.rules.length} rules …\n`);
    const loaded = Date.now();
    const run = await runAudit(engine, pack.rules, { asOf: opts.asOf });
    const audited = Date.now();
    if (!run) {
      process.stderr.write('error: no dated slip was loaded, so there is no as-of date: pass --as-of\n');
      return 2;
    }
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const ruleShas = new Map(await Promise.all(ruleFiles.map(async (f) => [f.path, await sha256Hex(f.text)] as const)));
    const outputs = await renderOutputParts({
      asOf: run.asOf, lang: opts.lang, productVersion: pkg.version, load,
      statuses: run.statuses, findings: run.findings, penalties: run.penalties, kpis: run.kpis,
      titles: new Map(pack.rules.map((r) => [r.id, r.title])),
      rules: pack.rules.map((r) => ({ id: r.id, file: r.file, sha256: ruleShas.get(r.file) ?? '', params: r.params })),
      inputs: inputEvidence,
    }, async (parts) => {
      const hash = createHash('sha256');
      for (const part of parts) hash.update(part, 'utf8');
      return hash.digest('hex');
    });
    const out = resolve(opts.out);
    await mkdir(out, { recursive: true });
    for (const [name, parts] of Object.entries(outputs)) await writeParts(join(out, name), parts);

    printSummary(run, load.tables.length, { load: loaded - started, rules: audited - loaded, outputs: Date.now() - audited }, out);
    return 0;
  } finally {
    await engine.close();
  }
}

/** A file written part after part (never one string: violations.csv of a year can pass 1 GB). */
async function writeParts(path: string, parts: readonly string[]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (const part of parts) await handle.write(part);
  } finally {
    await handle.close();
  }
}

/** Node's own SHA-256, fed in parts (Web Crypto refuses inputs of 2 GiB and more). */
function sha256File(bytes: Uint8Array): string {
  const hash = createHash('sha256');
  const PART = 256 * 1024 * 1024;
  for (let at = 0; at < bytes.length; at += PART) hash.update(bytes.subarray(at, at + PART));
  return hash.digest('hex');
}

function printSummary(
  run: NonNullable<Awaited<ReturnType<typeof runAudit>>>, tables: number, ms: { load: number; rules: number; outputs: number }, out: string,
): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  const sec = (x: number) => `${(x / 1000).toFixed(1)} s`;
  w(`as of ${run.asOf}: ${run.findings.length} findings from ${tables} table(s) in ${sec(ms.load + ms.rules + ms.outputs)}`
    + ` (load ${sec(ms.load)}, rules and KPIs ${sec(ms.rules)}, outputs ${sec(ms.outputs)})`);
  for (const s of run.statuses) {
    w(`  ${s.id.padEnd(40)} ${s.status === 'ran' ? String(s.findings).padStart(6) : `     - ${s.status}`}`);
  }
  w(`outputs in ${out}`);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
