/**
 * Child process of giants.test.ts: builds one giant input, loads it on native DuckDB
 * and prints one JSON line with the time, the outcome and the peak memory growth.
 * A process of its own, because peak RSS only ever grows within one.
 */
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import { checkLoad } from './load-check';
import { GIANTS } from './giant-cases';

const c = GIANTS[process.argv[2]];
if (!c) throw new Error(`unknown case ${process.argv[2]}`);
// SheetJS reports odd records on the console; the answer goes to stdout alone.
console.error = () => {};
const engine = await createNodeEngine();
const bytes = c.build();
const before = process.resourceUsage().maxRSS;
const out = await checkLoad(engine, [{ name: c.name, bytes }], Infinity);
const growthMB = (process.resourceUsage().maxRSS - before) / 1024;
await engine.close();
process.stdout.write(`${JSON.stringify({
  ms: Math.round(out.ms), growthMB: Math.round(growthMB), inputMB: Math.round(bytes.length / 1024 / 1024),
  problems: out.problems, tables: out.report?.tables.map((t) => ({ status: t.status, code: t.refusal?.code ?? '', reason: t.reason })) ?? [],
})}\n`);
