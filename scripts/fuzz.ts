/**
 * `npm run fuzz -- [--count N] [--seed S] [--batch B]`: the long byte-level fuzz run of
 * the whole load. Mutants of the sample exports (test/unit/fuzz/mutate.ts) are loaded
 * by child processes, a batch each, so that an input that hangs can be killed and
 * named: the parent waits at most LIMIT_MS for each input's answer. Prints every
 * distinct failure with a replayable (seed, index), and exits 1 if there was any.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { checkLoad } from '../test/unit/fuzz/load-check';
import { mutant, sampleSeeds } from '../test/unit/fuzz/mutate';

const LIMIT_MS = 5_000;
/** A child needs a moment to start tsx and DuckDB before its first answer. */
const STARTUP_MS = 30_000;

interface Answer { i: number; ms: number; problems: string[]; statuses: string[]; how: string }

function arg(argv: string[], name: string, fallback: number): number {
  const k = argv.indexOf(`--${name}`);
  if (k < 0) return fallback;
  const v = Number(argv[k + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number, got ${argv[k + 1]}`);
  return v;
}

/** Child: load mutants [from, to) and print one JSON line per input. */
async function work(seed: number, from: number, to: number): Promise<void> {
  const { createNodeEngine } = await import('../src/engine/duckdb-node');
  const engine = await createNodeEngine();
  const seeds = sampleSeeds('sample-data');
  // SheetJS reports unknown records on the console; the answers go to stdout alone.
  console.error = () => {};
  console.log = () => {};
  for (let i = from; i < to; i++) {
    const m = mutant(seeds, seed, i);
    const out = await checkLoad(engine, [{ name: m.name, bytes: m.bytes }], LIMIT_MS);
    const answer: Answer = { i, ms: Math.round(out.ms), problems: out.problems, statuses: (out.report?.tables ?? []).map((t) => t.status), how: m.how };
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
  await engine.close();
}

/** Parent: run the batches, kill a child that stops answering, tally what was found. */
async function drive(seed: number, count: number, batch: number): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const found = new Map<string, { count: number; first: string }>();
  const statuses = new Map<string, number>();
  let tried = 0;
  let slowest = 0;
  const started = Date.now();
  const note = (kind: string, where: string) => {
    const f = found.get(kind);
    if (f) f.count++;
    else {
      found.set(kind, { count: 1, first: where });
      process.stderr.write(`\nnew failure: ${where}\n`);
    }
  };

  let next = 0;
  while (next < count) {
    const to = Math.min(count, next + batch);
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--worker', '--seed', String(seed), '--from', String(next), '--to', String(to)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    let expected = next;
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, ms);
    };
    arm(STARTUP_MS + LIMIT_MS);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let a: Answer;
      try { a = JSON.parse(line) as Answer; } catch { return; }
      arm(LIMIT_MS * 2);
      tried++;
      expected = a.i + 1;
      slowest = Math.max(slowest, a.ms);
      for (const s of a.statuses) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      // A failure's kind is its text without numbers, so the same bug is counted once.
      for (const p of a.problems) note(p.replace(/\d+/g, 'N').slice(0, 160), `seed ${seed} index ${a.i} (${a.how}): ${p}`);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    if (expected < to) {
      const m = mutant(sampleSeeds('sample-data'), seed, expected);
      tried++;
      const why = hung ? `hang: no answer within ${LIMIT_MS * 2} ms` : `child died (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      note(hung ? 'hang' : `crash: ${why.replace(/\d+/g, 'N').slice(0, 160)}`, `seed ${seed} index ${expected} (${m.how}): ${why}`);
      next = expected + 1;
    } else {
      next = to;
    }
    process.stderr.write(`\r${tried}/${count} inputs, ${found.size} distinct failure(s)`);
  }

  process.stderr.write('\n');
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(`fuzz: seed ${seed}, ${tried} inputs in ${((Date.now() - started) / 1000).toFixed(1)} s, slowest ${slowest} ms`);
  w(`tables: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}`);
  if (found.size === 0) {
    w('no failure found');
    return 0;
  }
  w(`${found.size} distinct failure(s):`);
  for (const [kind, f] of found) w(`  ${f.count}× ${kind}\n     first: ${f.first}`);
  return 1;
}

const argv = process.argv.slice(2);
const seed = arg(argv, 'seed', 1);
const run = argv.includes('--worker')
  ? work(seed, arg(argv, 'from', 0), arg(argv, 'to', 0)).then(() => 0)
  : drive(seed, arg(argv, 'count', 2000), Math.max(1, arg(argv, 'batch', 200)));
run.then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
