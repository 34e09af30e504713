/**
 * Large files in Chromium: DuckDB reads a file of several parts (a GBK one, made UTF-8 first)
 * from copies in the origin's private file system, gives the CLI's findings byte for byte,
 * and leaves no copy behind; copies a closed page left are removed when the next page starts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { BENCH_FILES, GBK_OUTBOUND, generateBenchData } from '../../scripts/bench-data';
import { startApp, type App } from './harness';
import { tempDir } from '../temp-dir';

const run = promisify(execFile);
const work = tempDir('slip-audit-large-');
const data = join(work, 'data');
/** ~29 MB of outbound lines once UTF-8: two parts of the browser's 16 MB, each over the size it copies (4 MB). */
const ROWS = 200_000;
const files = () => BENCH_FILES.map((f) => join(data, f.type === 'outbound' ? GBK_OUTBOUND : f.file));

let app: App | undefined;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

/** The names under the app's folder of the private file system: its pages' folders and their files. */
const listCopies = (p: Page) => p.evaluate(async () => {
  const root = await navigator.storage.getDirectory();
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await root.getDirectoryHandle('slip-audit-copies');
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = async (d: FileSystemDirectoryHandle, at: string) => {
    for await (const [name, h] of (d as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
      out.push(`${at}${name}`);
      if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${at}${name}/`);
    }
  };
  await walk(dir, '');
  return out;
});

beforeAll(async () => {
  await generateBenchData(data, ROWS);
  const [started] = await Promise.all([
    startApp('slip-audit-large-build-'),
    run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...files(), '--out', join(work, 'cli'), '--lang', 'zh']),
  ]);
  app = started;
  context = await app.browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('large files in Chromium', () => {
  it('removes the copies a closed page left when the next page starts', async () => {
    await page.goto(`${app!.origin}/#/load`);
    await page.locator('footer', { hasText: '·' }).waitFor({ timeout: 60_000 });
    const live = await listCopies(page);
    expect(live).toHaveLength(1);
    // A page that crashed while loading: its folder, a copy in it, and no lock held on it.
    await page.evaluate(async () => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('slip-audit-copies');
      const dir = await root.getDirectoryHandle('left-by-a-closed-page', { create: true });
      const file = await dir.getFileHandle('slip-part-1.csv', { create: true });
      const w = await file.createWritable();
      await w.write('出库单号,日期\nX-1,2025-01-01\n');
      await w.close();
    });
    expect(await listCopies(page)).toContain('left-by-a-closed-page/slip-part-1.csv');
    await page.reload();
    await page.locator('footer', { hasText: '·' }).waitFor({ timeout: 60_000 });
    const after = await listCopies(page);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(live[0]);
  });

  it('loads a file of several parts from copies, gives the CLI its findings, and leaves no copy', async () => {
    // Watch the folder while the files load: the copies come and go.
    const seen = page.evaluate(async () => {
      const names = new Set<string>();
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('slip-audit-copies');
      const started = performance.now();
      while (performance.now() - started < 120_000) {
        for await (const [, sub] of (dir as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
          if (sub.kind !== 'directory') continue;
          for await (const name of (sub as unknown as { keys(): AsyncIterable<string> }).keys()) names.add(name);
        }
        if (document.querySelector('[data-testid="run-time"]') && !document.querySelector('[data-testid="progress"]')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return [...names];
    });
    await page.getByTestId('file-input').setInputFiles(files());
    await page.getByTestId('run-time').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 120_000 });
    const copies = await seen;
    // The outbound file's two parts at least.
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(copies.every((n) => /^slip-part-\d+\.csv$/.test(n))).toBe(true);

    await page.getByTestId('nav-export').click();
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const path = join(work, 'app.csv');
    await d.saveAs(path);
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(work, 'cli', 'violations.csv'), 'utf8'));

    const left = await listCopies(page);
    expect(left).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});
