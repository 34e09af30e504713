/** Command-line arguments (RULES.md "Command line"), parsed with Node's own parseArgs. */
import { parseArgs } from 'node:util';
import type { DateOrder, Lang, SlipTypeId } from '../core/types';
import { SLIP_TYPE_IDS } from '../core/schema/slip-types';

export interface CliOptions {
  paths: string[];
  out: string;
  asOf?: string;
  rulesDir?: string;
  types: { type: SlipTypeId; file: string }[];
  lang: Lang;
  dateOrder?: DateOrder;
  engine: 'native' | 'wasm';
  help: boolean;
}

export const USAGE = `Usage: npm run audit -- <file or folder>... [options]

  --out DIR                 where to write the outputs (default ./audit-out)
  --as-of YYYY-MM-DD        judge the audit at this date (default: end of the latest month in the data)
  --rules DIR               rule files to use (default: the product's rules/)
  --type TYPE=FILE          force the slip type of FILE (repeatable); TYPE is one of
                            ${SLIP_TYPE_IDS.join(', ')}
  --lang zh|en              language of messages in the outputs (default zh)
  --date-order ymd|dmy|mdy  how to read ambiguous dates such as 03/04/2025 (default: reject them)
  --engine native|wasm      DuckDB build to run on (default native)
  -h, --help                this text

Folders are read recursively for .csv .tsv .txt .xlsx .xls files.
Exit status: 0 audit ran; 2 usage error or no file could be loaded; 1 internal error.`;

export class UsageError extends Error {}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'as-of': { type: 'string' },
        rules: { type: 'string' },
        type: { type: 'string', multiple: true },
        lang: { type: 'string' },
        'date-order': { type: 'string' },
        engine: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const opts: CliOptions = {
    paths: parsed.positionals,
    out: v.out ?? 'audit-out',
    rulesDir: v.rules,
    types: [],
    lang: 'zh',
    engine: 'native',
    help: v.help ?? false,
  };
  if (opts.help) return opts;
  if (opts.paths.length === 0) throw new UsageError('no input file or folder given');
  if (v['as-of'] !== undefined) {
    if (!isIsoDate(v['as-of'])) throw new UsageError(`--as-of must be a real date YYYY-MM-DD, got "${v['as-of']}"`);
    opts.asOf = v['as-of'];
  }
  if (v.lang !== undefined) {
    if (v.lang !== 'zh' && v.lang !== 'en') throw new UsageError(`--lang must be zh or en, got "${v.lang}"`);
    opts.lang = v.lang;
  }
  if (v['date-order'] !== undefined) {
    if (!['ymd', 'dmy', 'mdy'].includes(v['date-order'])) throw new UsageError(`--date-order must be ymd, dmy or mdy, got "${v['date-order']}"`);
    opts.dateOrder = v['date-order'] as DateOrder;
  }
  if (v.engine !== undefined) {
    if (v.engine !== 'native' && v.engine !== 'wasm') throw new UsageError(`--engine must be native or wasm, got "${v.engine}"`);
    opts.engine = v.engine;
  }
  for (const t of v.type ?? []) {
    const eq = t.indexOf('=');
    const type = t.slice(0, eq);
    if (eq < 1 || eq === t.length - 1) throw new UsageError(`--type takes TYPE=FILE, got "${t}"`);
    if (!(SLIP_TYPE_IDS as readonly string[]).includes(type)) throw new UsageError(`--type: unknown slip type "${type}"`);
    opts.types.push({ type: type as SlipTypeId, file: t.slice(eq + 1) });
  }
  return opts;
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
