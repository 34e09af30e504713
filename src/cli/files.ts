/** Gathering input files from the command line: files as given, folders recursively. */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

export const INPUT_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.xlsx', '.xls']);

export interface FoundFile { path: string; name: string }

/** Expand paths to files; a folder gives its spreadsheet and text files, sorted, recursively. */
export async function collectFiles(paths: readonly string[]): Promise<{ files: FoundFile[]; missing: string[] }> {
  const files: FoundFile[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const full = resolve(p);
    const s = await stat(full).catch(() => null);
    if (!s) { missing.push(p); continue; }
    if (s.isDirectory()) files.push(...(await walk(full)));
    else files.push({ path: full, name: basename(full) });
  }
  return { files, missing };
}

async function walk(dir: string): Promise<FoundFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: FoundFile[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile() && INPUT_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push({ path: full, name: e.name });
  }
  return out;
}

/** Rule files (*.yaml, *.yml) of a folder, sorted, as {path, text}; path relative names for evidence. */
export async function readRuleFiles(dir: string): Promise<{ path: string; text: string }[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  return Promise.all(names.map(async (n) => ({ path: `rules/${n}`, text: await readFile(join(dir, n), 'utf8') })));
}

/**
 * A whole file's bytes. fs.readFile refuses files over 2 GiB; a year of outbound lines can
 * be larger, so big files are read in parts into one buffer (Node allows up to 4 GiB).
 */
export async function readWhole(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const out = Buffer.allocUnsafe(size);
    const PART = 64 * 1024 * 1024;
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(out, at, Math.min(PART, size - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return new Uint8Array(out.buffer, out.byteOffset, at);
  } finally {
    await handle.close();
  }
}

/** A file as it was when it was read: enough to tell that it changed afterwards. */
export interface SeenFile { path: string; name: string; size: number; mtimeMs: number }

export async function seenFile(path: string, name: string): Promise<SeenFile> {
  const s = await stat(path);
  return { path, name, size: s.size, mtimeMs: s.mtimeMs };
}

/** Names of the files whose size or time of change is no longer what it was (or that are gone). */
export async function changedSince(seen: readonly SeenFile[]): Promise<string[]> {
  const changed: string[] = [];
  for (const f of seen) {
    const now = await stat(f.path).catch(() => null);
    if (!now || now.size !== f.size || now.mtimeMs !== f.mtimeMs) changed.push(f.name);
  }
  return changed;
}
