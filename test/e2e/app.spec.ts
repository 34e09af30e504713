/**
 * The app end to end: the production build served by `vite preview`, driven in Debian's
 * Chromium. Opens on the bundled sample data and checks it gives the CLI's answers byte
 * for byte; uploads a GBK CSV, an .xls and a formula payload; filters, opens a finding
 * with its related documents, exports CSV and XLSX, clicks a chart, prints the report,
 * maps an unknown header (and finds the mapping remembered after a reload), switches
 * language and theme, and checks that no request ever leaves the app's origin.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as XLSX from '@e965/xlsx';
import { BROWSER_MAX_ROWS } from '../../src/core/audit/limits';
import { startApp, type App } from './harness';
import { tempDir } from '../temp-dir';

const run = promisify(execFile);
const work = tempDir('slip-audit-e2e-');
const shots = join(work, 'shots');
mkdirSync(shots);
const GBK_CSV = 'test/fixtures/text/outbound-gbk.csv';
const XLS = 'test/fixtures/excel/outbound.xls';
const FORMULA_CSV = join(work, 'e2e-outbound.csv');
writeFileSync(FORMULA_CSV, [
  '出库单号,日期,客户,产品名称,规格,数量,单价,金额,业务员,质检确认,出门证号',
  'E2E-0001,2025-03-05,测试客户,轴承,6204,2,10,20,测试员,是,',
  '=E2E-0002,2025-03-06,测试客户,轴承,6204,1,10,10,测试员,是,',
].join('\r\n'));
const UNKNOWN_CSV = join(work, 'ledger-unknown.csv');
writeFileSync(UNKNOWN_CSV, [
  'NO.,WHEN,WHAT,HOW MANY,PRICE,WHO',
  'U-001,2025-03-03,gear,4,12.5,Li',
  'U-002,2025-03-04,shaft,2,30,Wang',
  'U-003,2025-03-05,gear,1,12.5,Li',
].join('\n'));

let app: App | undefined;
let page: Page;
let origin = '';
const requests: string[] = [];
const pageErrors: string[] = [];
/** CLI outputs: on the sample data, and on the sample data plus the three uploads. */
const cliSample = join(work, 'cli-sample');
const cliUploads = join(work, 'cli-uploads');

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
const total = async () => Number(await page.getByTestId('findings-total').textContent());
const idle = () => page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 120_000 });
const cli = (out: string, ...inputs: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...inputs, '--out', out, '--lang', 'zh']);

async function download(testid: string, name: string): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const path = join(work, name);
  await d.saveAs(path);
  return readFileSync(path);
}

beforeAll(async () => {
  const [started] = await Promise.all([
    startApp('slip-audit-e2e-build-'),
    cli(cliSample, 'sample-data'),
    cli(cliUploads, 'sample-data', GBK_CSV, XLS, FORMULA_CSV),
  ]);
  app = started;
  origin = app.origin;
  const context = await app.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
  context.on('request', (r) => requests.push(r.url()));
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  console.log(`screenshots: ${shots}`);
});

afterAll(async () => {
  await app?.close();
});

describe('Slip Audit in Chromium', () => {
  it('opens on the sample data (#/load?sample=1) and gives the CLI its answers byte for byte', async () => {
    await page.goto(`${origin}/#/load?sample=1`);
    await page.getByTestId('run-time').waitFor({ timeout: 120_000 });
    console.log(`sample data → findings: ${await page.getByTestId('run-time').textContent()}`);
    expect(await page.locator('[data-testid="file-report"] tbody tr.status-loaded').count()).toBeGreaterThan(0);
    await shot('1-load');

    const summary = JSON.parse(readFileSync(join(cliSample, 'summary.json'), 'utf8')) as { rules: { id: string; findings: number; status: string }[] };
    await page.getByTestId('nav-rules').click();
    for (const r of summary.rules.filter((x) => x.status === 'ran')) {
      expect(Number(await page.getByTestId(`rule-count-${r.id}`).textContent()), r.id).toBe(r.findings);
    }
    await page.getByTestId('nav-export').click();
    for (const [testid, name] of [['export-csv', 'violations.csv'], ['export-summary', 'summary.json'], ['export-evidence', 'evidence.json'],
      ['export-rejects', 'rejects.csv'], ['export-penalties', 'penalties.csv']]) {
      const app = (await download(testid, `app-${name}`)).toString('utf8');
      expect(app, name).toBe(readFileSync(join(cliSample, name), 'utf8'));
    }
  });

  it('filters the findings from a chart click, and shows every KPI', async () => {
    await page.getByTestId('nav-kpis').click();
    const chart = page.getByTestId('chart-by-rule');
    await chart.locator('canvas').waitFor();
    await page.waitForTimeout(600);
    for (const id of ['gate', 'aging', 'outsourced', 'returns', 'by-department', 'by-person', 'penalties']) {
      await page.getByTestId(`chart-${id}`).waitFor();
    }
    await shot('5-kpis');
    const box = (await chart.locator('canvas').boundingBox())!;
    const bands = Number(await chart.getAttribute('data-bars'));
    // Bars are sorted ascending from the bottom: the top band holds the largest bar, which spans most of the axis.
    // The grid leaves 24 px above and 8 px below the bands.
    await page.mouse.click(box.x + box.width * 0.62, box.y + 24 + (box.height - 32) / bands / 2);
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/findings\?rule=/);
    const rule = decodeURIComponent(/rule=([^&]+)/.exec(await page.evaluate(() => location.hash))![1]);
    const summary = JSON.parse(readFileSync(join(cliSample, 'summary.json'), 'utf8')) as { rules: { id: string; findings: number }[] };
    const count = summary.rules.find((r) => r.id === rule)!.findings;
    await expect.poll(total).toBe(count);
  });

  it('filters findings, keeps the filter in the address, and opens a finding with related documents', async () => {
    await page.getByTestId('nav-findings').click();
    await page.getByRole('button', { name: /清除筛选/ }).click();
    const all = Number(await page.locator('[data-testid="nav-findings"] .badge').textContent());
    await expect.poll(total).toBe(all);
    await page.getByTestId('filter-rule').selectOption('outbound.ungated');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('rule=outbound.ungated');
    await expect.poll(total).toBeLessThan(all);
    const row = page.getByTestId('finding-row').first();
    await row.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('finding-detail');
    await detail.getByTestId('slip-lines').waitFor();
    // Headings are the fields' Chinese labels (the first alias), not the canonical names.
    expect(await detail.locator('[data-testid="slip-lines"] thead th').first().textContent()).toBe('单据号');
    await detail.getByTestId('related-exit_pass').getByTestId('related-none').waitFor();
    await shot('3-findings-detail');
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);

    // Wait for the filter to reach the address (the table follows it) before clicking a row:
    // under load the first row can still be the previous rule's.
    const showRule = async (id: string) => {
      await page.getByTestId('filter-rule').selectOption(id);
      await expect.poll(() => page.evaluate(() => location.hash)).toContain(`rule=${id}`);
      await expect.poll(() => page.getByTestId('finding-row').first().getAttribute('data-rule')).toBe(id);
    };
    await showRule('outbound.below-min-price');
    await page.getByTestId('finding-row').first().click();
    await page.getByTestId('related-price').locator('tbody tr').first().waitFor();
    await showRule('outsource.not-returned-in-month');
    await page.getByTestId('finding-row').first().click();
    await page.getByTestId('related-outsource_return').waitFor();
    await page.keyboard.press('Escape');
  });

  it('uploads a GBK CSV, an .xls and a formula payload, and still agrees with the CLI', async () => {
    await page.getByTestId('nav-load').click();
    await page.getByTestId('file-input').setInputFiles([GBK_CSV, XLS, FORMULA_CSV]);
    await page.locator('[data-testid="file-report"] td.name', { hasText: 'e2e-outbound.csv' }).waitFor();
    await idle();
    for (const name of ['outbound-gbk.csv', 'outbound.xls', 'e2e-outbound.csv']) {
      await page.locator('[data-testid="file-report"] tr.status-loaded td.name', { hasText: name }).first().waitFor();
    }
    await page.getByTestId('nav-export').click();
    const app = (await download('export-csv', 'app-uploads.csv')).toString('utf8');
    expect(app).toBe(readFileSync(join(cliUploads, 'violations.csv'), 'utf8'));

    await page.getByTestId('nav-rules').click();
    await page.getByTestId('rule-count-outbound.ungated').click();
    await page.getByTestId('filter-q').fill('E2E-0002');
    await expect.poll(total).toBe(1);
  });

  it('exports the findings as XLSX: numbers as numbers, the formula payload as text', async () => {
    await page.getByTestId('nav-export').click();
    await page.getByTestId('xlsx-lang').selectOption('en');
    const wb = XLSX.read(await download('export-xlsx-violations', 'violations.xlsx'), { type: 'buffer' });
    const ws = wb.Sheets[wb.SheetNames[0]];
    const rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1 });
    expect(rows[0]).toEqual(['Rule', 'Severity', 'Slip type', 'Slip no', 'Date', 'Responsible', 'Amount', 'Penalty', 'Source file', 'Row', 'Message']);
    const csvRows = readFileSync(join(cliUploads, 'violations.csv'), 'utf8').trim().split('\r\n').length - 1;
    expect(rows.length - 1).toBe(csvRows);
    const addr = Object.keys(ws).find((k) => ws[k]?.v === "'=E2E-0002");
    expect(addr).toBeDefined();
    expect(ws[addr!].t).toBe('s');
    expect(Object.keys(ws).filter((k) => !k.startsWith('!') && ws[k].f !== undefined)).toEqual([]);
    const penalty = Object.keys(ws).find((k) => /^H\d+$/.test(k) && k !== 'H1' && ws[k].v !== undefined)!;
    expect(ws[penalty].t).toBe('n');
    const rejects = XLSX.read(await download('export-xlsx-rejects', 'rejects.xlsx'), { type: 'buffer' });
    expect(XLSX.utils.sheet_to_json(rejects.Sheets[rejects.SheetNames[0]]).length).toBeGreaterThan(0);
  });

  it('prints the audit report cleanly', async () => {
    await page.getByTestId('open-report').click();
    await page.getByTestId('report-rules').waitFor();
    await page.getByTestId('kpi-gate').waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await page.getByTestId('print').isVisible()).toBe(false);
    await page.screenshot({ path: join(shots, '8-report-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(work, 'report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
  });

  it('exports the rule pack, imports it back (problems with file:line:col), and runs a custom rule', async () => {
    await page.getByTestId('nav-rules').click();
    const pack = (await download('pack-export', 'slip-audit-rules.yaml')).toString('utf8');
    expect(pack.match(/^# file: rules\//gm)?.length).toBe(39);
    const broken = join(work, 'broken-pack.yaml');
    writeFileSync(broken, pack.replace('severity: critical', 'severity: fatal'));
    await page.getByTestId('pack-input').setInputFiles(broken);
    const line = pack.split('\n').findIndex((l) => l === 'severity: critical') + 1;
    await expect.poll(() => page.getByTestId('pack-problems').textContent()).toContain(`broken-pack.yaml:${line}:11:`);
    await page.getByTestId('pack-input').setInputFiles(join(work, 'slip-audit-rules.yaml'));
    await page.getByRole('status').filter({ hasText: '39' }).waitFor();

    await page.getByText('自定义规则（YAML）').click();
    const editor = page.getByTestId('custom-text');
    const template = await editor.inputValue();
    await editor.fill(template.replace('severity: warning', 'severity: fatal'));
    await page.getByTestId('custom-check').click();
    await expect.poll(() => page.getByTestId('custom-problems').textContent()).toMatch(/^4:11/);
    await editor.fill(template.replace('{limit}', '{limit} AND amount IS NOT NULL').replace('limit: 100000', 'limit: 20000'));
    await page.getByTestId('custom-add').click();
    await expect.poll(async () => Number(await page.getByTestId('rule-count-custom.big-outbound').textContent())).toBeGreaterThan(0);
  });

  it('switches to English and dark', async () => {
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => page.getByTestId('nav-findings').textContent()).toContain('Findings');
    await page.getByTestId('nav-rules').click();
    await page.getByRole('button', { name: 'Toggle light/dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await shot('6-rules-en-dark');
    await page.getByTestId('nav-findings').click();
    await page.getByTestId('finding-row').locator('.sev').first().waitFor();
    await shot('7-findings-en-dark');
  });

  it('maps an unknown header, and applies the saved mapping after a reload', async () => {
    await page.getByTestId('nav-load').click();
    await page.getByTestId('file-input').setInputFiles(UNKNOWN_CSV);
    const dialog = page.getByTestId('mapping-dialog');
    await dialog.waitFor();
    await page.getByTestId('map-type').selectOption('outbound');
    // Pre-filled from the sample values: NO. → slip_no (distinct text), WHEN → date, HOW MANY → qty, PRICE → unit_price.
    expect(await page.getByTestId('map-field-0').inputValue()).toBe('slip_no');
    expect(await page.getByTestId('map-field-1').inputValue()).toBe('date');
    expect(await page.getByTestId('map-field-3').inputValue()).toBe('qty');
    await page.getByTestId('map-missing').waitFor();
    expect(await page.getByTestId('map-apply').isDisabled()).toBe(true);
    await page.getByTestId('map-field-2').selectOption('product_name');
    await page.getByTestId('map-field-5').selectOption('salesperson');
    await shot('9-mapping');
    await page.getByTestId('map-apply').click();
    const loaded = page.locator('[data-testid="file-report"] tr.status-loaded', { hasText: 'ledger-unknown.csv' });
    await loaded.waitFor();
    expect(await loaded.locator('td.num').nth(1).textContent()).toBe('3');
    await page.getByTestId('profiles').waitFor();

    // Next month, the same export comes in a folder (with a note that is not an export): the profile applies by itself.
    await page.reload();
    const folder = join(work, 'next-month');
    mkdirSync(folder);
    writeFileSync(join(folder, 'ledger-unknown.csv'), readFileSync(UNKNOWN_CSV));
    writeFileSync(join(folder, 'notes.md'), '# not an export\n');
    await page.getByTestId('folder-input').setInputFiles(folder);
    await page.locator('[data-testid="file-report"] tr.status-loaded', { hasText: 'ledger-unknown.csv' }).waitFor();
    expect(await page.getByTestId('mapping-dialog').count()).toBe(0);
    expect(await page.locator('[data-testid="file-report"] td.name').allTextContents()).toEqual(['ledger-unknown.csv']);
  });

  it('refuses more rows than the browser can hold before loading them, and points to the command line', async () => {
    await page.getByTestId('nav-load').click();
    const before = await page.locator('[data-testid="file-report"] tr').count();
    // One line feed more than the limit: a small file that still says "more rows than this page takes".
    await page.getByTestId('file-input').setInputFiles([{ name: 'huge.csv', mimeType: 'text/csv', buffer: Buffer.alloc(BROWSER_MAX_ROWS + 1, 0x0a) }]);
    const banner = page.locator('.error.banner');
    await expect.poll(() => banner.innerText(), { timeout: 15_000 }).toMatch(/npm run audit/);
    expect(await page.locator('[data-testid="file-report"] td.name', { hasText: 'huge.csv' }).count()).toBe(0);
    expect(await page.locator('[data-testid="file-report"] tr').count()).toBe(before);
    await banner.getByRole('button').click();
  });

  it('sent no request to another origin and raised no page error', async () => {
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requests.length).toBeGreaterThan(3);
    expect(pageErrors).toEqual([]);
    expect(await page.locator('.banner[role="alert"]').count()).toBe(0);
  });
});
