/**
 * The app end to end: the production build served by `vite preview`, driven in Debian's
 * Chromium. Loads the bundled sample data and an uploaded file, checks findings, rule
 * counts, filtering, the detail panel, the CSV export and the language switch, and that
 * no request ever leaves the app's origin.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'slip-audit-e2e-'));
const outDir = join(work, 'dist');
const shots = join(work, 'shots');
mkdirSync(shots);

let server: PreviewServer;
let browser: Browser;
let page: Page;
let origin = '';
const requests: string[] = [];
const pageErrors: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
const total = async () => Number(await page.getByTestId('findings-total').textContent());

beforeAll(async () => {
  execFileSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  const port = await freePort();
  server = await preview({ build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1', open: false }, logLevel: 'warn' });
  origin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
  context.on('request', (r) => requests.push(r.url()));
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  await page.goto(`${origin}/#/load`);
  console.log(`screenshots: ${shots}`);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
});

describe('Slip Audit in Chromium', () => {
  it('loads the bundled sample data and finds breaches', async () => {
    await page.getByTestId('load-sample').click();
    await page.getByTestId('file-report').waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 120_000 });
    const loaded = await page.locator('[data-testid="file-report"] tbody tr.status-loaded').count();
    expect(loaded).toBeGreaterThan(0);
    await shot('1-load');
    await page.getByTestId('nav-findings').click();
    await expect.poll(total, { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it('uploads a file through the file input and counts it in a rule', async () => {
    await page.getByTestId('nav-load').click();
    const csv = join(work, 'e2e-outbound.csv');
    writeFileSync(csv, [
      '出库单号,日期,客户,产品名称,规格,数量,单价,金额,业务员,质检确认,出门证号',
      'E2E-0001,2025-03-05,测试客户,轴承,6204,2,10,20,测试员,是,',
      '=E2E-0002,2025-03-06,测试客户,轴承,6204,1,10,10,测试员,是,',
    ].join('\r\n'));
    await page.getByTestId('file-input').setInputFiles(csv);
    await page.locator('[data-testid="file-report"] td.name', { hasText: 'e2e-outbound.csv' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 120_000 });
    await page.getByTestId('nav-rules').click();
    const count = page.getByTestId('rule-count-outbound.ungated');
    await count.waitFor();
    expect(Number(await count.textContent())).toBeGreaterThanOrEqual(2);
    await shot('2-rules');
    await count.click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('rule=outbound.ungated');
    await page.getByTestId('filter-q').fill('E2E-0002');
    await expect.poll(total).toBe(1);
  });

  it('filters findings and keeps the filter in the address', async () => {
    await page.getByRole('button', { name: /清除筛选/ }).click();
    const all = Number(await page.locator('[data-testid="nav-findings"] .badge').textContent());
    await expect.poll(total).toBe(all);
    await page.getByTestId('filter-severity').selectOption('critical');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('sev=critical');
    await expect.poll(total).toBeLessThan(all);
    const critical = await total();
    expect(critical).toBeGreaterThan(0);
    await page.reload();
    await page.getByTestId('nav-findings').waitFor();
    expect(await page.evaluate(() => location.hash)).toContain('sev=critical');
  });

  it('opens a finding with its slip lines', async () => {
    // The reload above started a fresh worker with nothing loaded (files live only in the page): load again.
    await page.getByTestId('nav-load').click();
    await page.getByTestId('load-sample').click();
    await page.getByTestId('file-report').waitFor({ timeout: 120_000 });
    await page.getByTestId('nav-findings').click();
    expect(await page.getByTestId('filter-severity').inputValue()).toBe('critical');
    await expect.poll(total, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('finding-row').first().click();
    const detail = page.getByTestId('finding-detail');
    await detail.waitFor();
    await page.getByTestId('slip-lines').waitFor();
    expect(await page.locator('[data-testid="slip-lines"] tbody tr').count()).toBeGreaterThan(0);
    await shot('3-findings');
  });

  it('exports violations.csv with a BOM and the contract header', async () => {
    await page.getByTestId('nav-export').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const path = join(work, 'violations.csv');
    await download.saveAs(path);
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('rule_id,severity,slip_type,slip_no,date,responsible,amount,penalty,source_file,source_row,message');
    expect(text.split('\r\n').length).toBeGreaterThan(2);
    await shot('4-export');
  });

  it('draws the dashboard and filters findings from a bar', async () => {
    await page.getByTestId('nav-kpis').click();
    const chart = page.getByTestId('chart-by-rule');
    await chart.locator('canvas').waitFor();
    await page.waitForTimeout(800);
    await shot('5-kpis');
    const box = await chart.locator('canvas').boundingBox();
    expect(box && box.height).toBeGreaterThan(100);
  });

  it('switches to English', async () => {
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => page.getByTestId('nav-findings').textContent()).toContain('Findings');
    await page.getByTestId('nav-rules').click();
    await page.getByRole('button', { name: 'Toggle light/dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await shot('6-rules-en-dark');
    await page.getByTestId('nav-findings').click();
    await page.getByTestId('finding-row').first().waitFor();
    await shot('7-findings-en-dark');
  });

  it('sent no request to another origin and raised no page error', async () => {
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requests.length).toBeGreaterThan(3);
    expect(pageErrors).toEqual([]);
    expect(await page.locator('.banner[role="alert"]').count()).toBe(0);
  });
});
