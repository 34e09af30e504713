/**
 * The app against hostile files: markup in values, headers, file and sheet names must
 * show as text and never run; no request may leave the app's origin; the app must work
 * with the network off; and every file of the real-world corpus must get a file-level
 * status promptly without breaking the page.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startApp, type App } from './harness';

const PAYLOADS = [
  '<img src=x onerror=__pwned(1)>',
  '</script><script>__pwned(2)</script>',
  '"><svg onload=__pwned(3)>',
  '<img src=x onerror=alert(1)>',
];
const HEADER = ['出库单号', '日期', '客户', '产品名称', '规格', '数量', '单价', '金额', '业务员', '质检确认', '出门证号'];
const CORPUS = join('..', 'shared', 'fixtures', 'real-world');

let app: App;
let context: BrowserContext;
let page: Page;
const pwned: string[] = [];
const dialogs: string[] = [];
const requests: string[] = [];
const pageErrors: string[] = [];

const idle = () => page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 120_000 });

async function newPage(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  await p.exposeFunction('__pwned', (n: unknown) => { pwned.push(String(n)); });
  return p;
}

/** A CSV whose values, extra header and rejected cells carry every payload, and a workbook with a payload as sheet name. */
function hostileFiles(dir: string): string[] {
  const rows = [[...HEADER, PAYLOADS[0]]];
  PAYLOADS.forEach((p, i) => {
    rows.push([`X-${i} ${p}`, '2025-03-0' + (i + 1), p, '轴承', p, '1', '1', '1', p, '否', '', p]);
    rows.push([`R-${i}`, p, 'c', '轴承', 's', '1', '1', '1', 'x', '是', '', '']);
  });
  const csv = join(dir, `${PAYLOADS[2]}.csv`);
  writeFileSync(csv, rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\r\n'));
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([HEADER, ['WB-1', '2025-03-10', PAYLOADS[1], 'p', 's', 1, 1, 1, PAYLOADS[1], '否', ''], ['WB-2', PAYLOADS[3], 'c', 'p', 's', 1, 1, 1, 'x', '否', '']]), PAYLOADS[0]);
  const xlsx = join(dir, `${PAYLOADS[0]}.xlsx`);
  writeFileSync(xlsx, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  return [csv, xlsx];
}

beforeAll(async () => {
  app = await startApp('slip-audit-hostile-');
  context = await app.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
  context.on('request', (r) => requests.push(r.url()));
  page = await newPage(context);
  await page.goto(`${app.origin}/#/load`);
});

afterAll(async () => app?.close());

describe('hostile files in Chromium', () => {
  it('shows markup from values, headers, file and sheet names as text, and runs none of it', async () => {
    await page.getByTestId('file-input').setInputFiles(hostileFiles(app.work));
    await page.getByTestId('file-report').waitFor({ timeout: 120_000 });
    await idle();
    // File names and sheet names in the file report.
    const report = await page.getByTestId('file-report').innerText();
    expect(report).toContain(`${PAYLOADS[2]}.csv`);
    expect(report).toContain(`${PAYLOADS[0]}.xlsx`);
    // Rejected values, shown literally.
    await page.locator('details:has([data-testid="rejects"]) summary, details summary').first().click();
    // The rows arrive from the worker after the table appears: wait for the payload, as text.
    await expect.poll(() => page.getByTestId('rejects').innerText(), { timeout: 10_000 }).toContain(PAYLOADS[1]);
    // Findings list, then one finding's detail.
    await page.getByTestId('nav-findings').click();
    await page.getByTestId('filter-q').fill('X-0');
    await page.getByTestId('finding-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('findings-viewport').innerText()).toContain(PAYLOADS[0]);
    await page.getByTestId('finding-row').first().click();
    await page.getByTestId('finding-detail').waitFor();
    await expect.poll(() => page.getByTestId('finding-detail').innerText(), { timeout: 30_000 }).toContain(PAYLOADS[0]);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => document.querySelectorAll('main img[src="x"], main svg[onload]').length)).toBe(0);
    expect(pwned).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('exports and sends no request to another origin', async () => {
    await page.getByTestId('nav-export').click();
    await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const foreign = requests.filter((u) => !u.startsWith(`${app.origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(pwned).toEqual([]);
  });

  it('works with the network off once the page has loaded', async () => {
    const offline = await app.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const p = await newPage(offline);
    await p.goto(`${app.origin}/#/load`);
    await p.getByTestId('file-input').waitFor();
    // Loaded: the footer names the engine once DuckDB-WASM has started.
    await p.locator('footer', { hasText: '·' }).waitFor({ timeout: 60_000 });
    // Offline emulation does not reach the requests of a worker a worker starts: the server goes too.
    await offline.setOffline(true);
    await app.stopServing();
    await p.getByTestId('file-input').setInputFiles([join('sample-data', '产品出库单_2025Q1.csv')]);
    await p.locator('[data-testid="file-report"] tr.status-loaded').first().waitFor({ timeout: 120_000 });
    await p.getByTestId('nav-findings').click();
    await expect.poll(async () => Number(await p.getByTestId('findings-total').textContent()), { timeout: 60_000 }).toBeGreaterThan(0);
    await offline.close();
  });

  const corpus = existsSync(CORPUS)
    ? readdirSync(CORPUS).filter((n) => n !== 'csv-spectrum' && !n.endsWith('.md') && statSync(join(CORPUS, n)).isFile()).sort()
    : [];
  it.skipIf(corpus.length === 0)(`gives every real-world corpus file a status within 5 s (${CORPUS})`, async () => {
    const slow: string[] = [];
    for (const name of corpus) {
      const started = Date.now();
      if (!page.url().endsWith('#/load')) await page.evaluate(() => { location.hash = '#/load'; });
      await page.getByTestId('file-input').setInputFiles(join(CORPUS, name));
      const row = page.locator('[data-testid="file-report"] td.name', { hasText: name }).first();
      await row.waitFor({ timeout: 30_000 });
      await idle();
      if (Date.now() - started > 5_000) slow.push(`${name}: ${Date.now() - started} ms`);
      const status = await row.locator('xpath=..').getAttribute('class');
      expect(status, name).toMatch(/status-(refused|skipped|loaded)/);
    }
    expect(slow).toEqual([]);
    expect(await page.getByTestId('file-report').isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
    expect(pwned).toEqual([]);
  }, 300_000);
});
