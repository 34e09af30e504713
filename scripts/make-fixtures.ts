/**
 * Makes the workbook fixtures in test/fixtures/excel with real spreadsheet
 * programs, so the readers are tested on what those programs write, not on
 * what our own writer thinks they write.
 *
 * Needs: LibreOffice (`apt-get install libreoffice-calc python3-uno`) and, for
 * the Excel 95 file, Gnumeric (`apt-get install gnumeric`) with a Chinese
 * locale (`localedef -i zh_CN -f UTF-8 zh_CN.UTF-8`): LibreOffice 7 no longer
 * writes Excel 95, and Gnumeric takes the BIFF5 codepage (936) from the locale.
 *
 * Run: npx tsx scripts/make-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as cpexcel from '@e965/xlsx/dist/cpexcel.full';

/** The module's typings name only its default export; `utils` is there at run time in both builds. */
const codepages = cpexcel as unknown as { utils: { encode(cp: number, s: string): number[] | Uint8Array } };

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/excel');
const work = mkdtempSync(join(tmpdir(), 'slip-fixtures-'));
const profile = pathToFileURL(join(work, 'lo-profile')).href;

const OUTBOUND_HEADER = ['出库单号', '出库日期', '客户名称', '产品编码', '产品名称', '规格型号', '数量', '单价', '金额', '销售类型', '业务员', '质检确认', '出门证号', '收款日期'];
/** [slip, date, customer, code, product, spec, qty, price, amount, saleType, salesperson, qc, exitPass, paid]. */
const OUTBOUND: (string | number)[][] = [
  ['CK2025030001', '2025-03-03', '华东机电有限公司', '0620401', '高强度外壳6204', 'φ62×20', 120, 35.5, 4260, '经销', '张伟', '是', 'CMZ0301', '2025-03-10'],
  ['CK2025030001', '2025-03-03', '华东机电有限公司', '0620402', '密封圈', 'M20', 300, 1.25, 375, '经销', '张伟', '是', 'CMZ0301', '2025-03-10'],
  ['CK2025030002', '2025-03-05', '苏州恒远贸易', '0630101', '轴承座6301', '', 40, 88, 3520, '零星销售', '李娜', '否', '', ''],
  ['CK2025030003', '2025-03-07', '宁波东升', '0620401', '高强度外壳6204', 'φ62×20', 3, 12.35, 37.05, '售后', '王强', '是', 'CMZ0307', ''],
  ['CK2025030004', '2025-03-12', '杭州联拓', '0710001', '减速机总成', 'JSJ-710', 2, 15800, 31600, '经销', '张伟', '√', 'CMZ0312', '2025-03-20'],
  ['CK2025030005', '2025-03-18', '华东机电有限公司', '0620402', '密封圈', 'M20', 1000, 1.2, 1200, '批发', '李娜', '是', 'CMZ0318', '2025-03-31'],
];

const EXIT_HEADER = ['出门证号', '开具日期', '关联单号', '开具人', '门卫', '出门时间'];
const EXIT_PASSES: string[][] = [
  ['CMZ0301', '2025-03-03', 'CK2025030001', '赵敏', '孙师傅', '2025-03-03 16:45:00'],
  ['CMZ0307', '2025-03-07', 'CK2025030003', '赵敏', '', '2025-03-08 08:05:30'],
  ['CMZ0312', '2025-03-12', 'CK2025030004', '赵敏', '孙师傅', '2025-03-12 10:20:00'],
];

function csvLine(cells: readonly (string | number)[]): string {
  return cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');
}

function outboundRows(): (string | number)[][] {
  const qty = OUTBOUND.reduce((s, r) => s + (r[6] as number), 0);
  const amount = Math.round(OUTBOUND.reduce((s, r) => s + (r[8] as number), 0) * 100) / 100;
  return [
    ['产品出库单列表'],
    ['导出日期', '2025-04-01'],
    OUTBOUND_HEADER,
    ...OUTBOUND.slice(0, 3),
    [],
    ...OUTBOUND.slice(3),
    ['合计', '', '', '', '', '', qty, '', amount],
  ];
}

/** Converts with LibreOffice; returns the written file. */
function soffice(src: string, to: string, infilter?: string): string {
  const outDir = mkdtempSync(join(work, 'out-'));
  const args = ['--headless', '--norestore', `-env:UserInstallation=${profile}`];
  if (infilter) args.push(`--infilter=${infilter}`);
  execFileSync('soffice', [...args, '--convert-to', to, '--outdir', outDir, src], { stdio: 'pipe' });
  const written = readdirSync(outDir);
  if (written.length !== 1) throw new Error(`soffice wrote ${written.length} files for ${src} → ${to}`);
  return join(outDir, written[0]);
}

function place(file: string, name: string): void {
  copyFileSync(file, join(OUT, name));
  console.log(`wrote ${name}`);
}

/**
 * CSV import options: comma, double quote, UTF-8, from line 1, column 4
 * (product code) as text so leading zeros stay, zh-CN, detect special
 * numbers (so ISO dates become date cells).
 */
const CSV_IN = 'CSV:44,34,76,1,4/2,2052,false,true';

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fodsCell(v: string | number | undefined): string {
  if (v === undefined || v === '') return '<table:table-cell/>';
  if (typeof v === 'number') return `<table:table-cell office:value-type="float" office:value="${v}"/>`;
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(v)) {
    return `<table:table-cell table:style-name="ceDateTime" office:value-type="date" office:date-value="${v.replace(' ', 'T')}"/>`;
  }
  if (/^\d{4}-\d\d-\d\d$/.test(v)) return `<table:table-cell table:style-name="ceDate" office:value-type="date" office:date-value="${v}"/>`;
  return `<table:table-cell office:value-type="string"><text:p>${escapeXml(v)}</text:p></table:table-cell>`;
}

interface FodsSheet { name: string; rows: (string | number)[][]; hidden?: boolean }

/** A flat ODF spreadsheet: lets one source say sheets, date cells, hidden sheets and the null date. */
function fods(sheets: FodsSheet[], nullDate = '1899-12-30'): string {
  const tables = sheets.map((s) => {
    const rows = s.rows.length ? s.rows : [[]];
    const body = rows.map((r) => `<table:table-row>${r.length ? r.map(fodsCell).join('') : '<table:table-cell/>'}</table:table-row>`).join('\n');
    return `<table:table table:name="${escapeXml(s.name)}"${s.hidden ? ' table:style-name="taHidden"' : ''}>\n${body}\n</table:table>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
<number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<number:date-style style:name="N2"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:date-style>
<style:style style:name="ceDate" style:family="table-cell" style:data-style-name="N1"/>
<style:style style:name="ceDateTime" style:family="table-cell" style:data-style-name="N2"/>
<style:style style:name="taHidden" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
<table:calculation-settings><table:null-date table:date-value="${nullDate}"/></table:calculation-settings>
${tables.join('\n')}
</office:spreadsheet></office:body></office:document>
`;
}

/** What Chinese web systems serve as "导出Excel": an HTML table in GBK, named .xls. */
function htmlTable(rows: (string | number)[][]): string {
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(String(c))}</td>`).join('')}</tr>`).join('\r\n');
  return `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>\r\n<body><table border="1">\r\n${trs}\r\n</table></body></html>\r\n`;
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  try {
    const csv = join(work, 'outbound.csv');
    writeFileSync(csv, outboundRows().map(csvLine).join('\n') + '\n');
    place(soffice(csv, 'xlsx', CSV_IN), 'outbound.xlsx');
    place(soffice(csv, 'xls:MS Excel 97', CSV_IN), 'outbound.xls');
    place(soffice(csv, 'xml:MS Excel 2003 XML', CSV_IN), 'outbound-spreadsheetml.xls');

    const biff5 = join(work, 'outbound-biff5.xls');
    execFileSync('ssconvert', ['-T', 'Gnumeric_Excel:excel_biff7', join(OUT, 'outbound.xlsx'), biff5], {
      stdio: 'pipe',
      env: { ...process.env, LC_ALL: 'zh_CN.UTF-8', LANG: 'zh_CN.UTF-8' },
    });
    place(biff5, 'outbound-biff5.xls');

    const multi = join(work, 'outbound-and-exit-passes.fods');
    writeFileSync(multi, fods([
      { name: '出库单', rows: outboundRows() },
      { name: '出门证', rows: [EXIT_HEADER, ...EXIT_PASSES] },
      { name: 'Sheet3', rows: [] },
      { name: '旧数据', rows: [['作废', '勿用']], hidden: true },
    ]));
    place(soffice(multi, 'xlsx'), 'outbound-and-exit-passes.xlsx');

    const d1904 = join(work, 'date1904.fods');
    writeFileSync(d1904, fods([{ name: '出门证', rows: [EXIT_HEADER, ...EXIT_PASSES] }], '1904-01-01'));
    place(soffice(d1904, 'xlsx'), 'date1904.xlsx');
    place(soffice(d1904, 'xls:MS Excel 97'), 'date1904.xls');

    const html = htmlTable(outboundRows().filter((r) => r.length > 0));
    writeFileSync(join(OUT, 'outbound-html-gbk.xls'), Uint8Array.from(codepages.utils.encode(936, html)));
    console.log('wrote outbound-html-gbk.xls');

    // A password-protected (RC4-encrypted) BIFF8 workbook, saved by LibreOffice through UNO.
    const uno = join(work, 'encrypt.py');
    writeFileSync(uno, ENCRYPT_PY);
    execFileSync('/usr/bin/python3', [uno, csv, join(work, 'encrypted.xls'), `${profile}-uno`], { stdio: 'pipe', timeout: 120_000 });
    place(join(work, 'encrypted.xls'), 'encrypted.xls');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`fixtures in ${basename(OUT)}/`);
}

const ENCRYPT_PY = `import sys, time, subprocess, uno
from com.sun.star.beans import PropertyValue
src, out, profile = sys.argv[1:4]
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
proc = subprocess.Popen(['soffice', '--headless', '--invisible', '--norestore', '-env:UserInstallation=' + profile,
                         '--accept=pipe,name=slipauditfixtures;urp;'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    ctx = uno.getComponentContext()
    resolver = ctx.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', ctx)
    for _ in range(120):
        try:
            rctx = resolver.resolve('uno:pipe,name=slipauditfixtures;urp;StarOffice.ComponentContext'); break
        except Exception:
            time.sleep(0.5)
    desktop = rctx.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', rctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), '_blank', 0, (
        prop('Hidden', True), prop('FilterName', 'Text - txt - csv (StarCalc)'), prop('FilterOptions', '${CSV_IN.slice(4)}')))
    doc.storeToURL(uno.systemPathToFileUrl(out), (prop('FilterName', 'MS Excel 97'), prop('Password', 'secret')))
    doc.close(True)
    try: desktop.terminate()
    except Exception: pass
finally:
    try: proc.wait(timeout=30)
    except Exception: proc.kill()
`;

main();
