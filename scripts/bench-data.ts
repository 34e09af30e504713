/**
 * Benchmark data: a year (2025) of warehouse exports of a fictional pump, valve and
 * motor maker, sized by the number of outbound lines, with a realistic share of
 * breaches (ungated slips, sales below the minimum price, missing QC, late returns…)
 * so that the rules do real work.
 *
 * Deterministic: one seeded PRNG per file, no clock. Written in chunks through
 * streams, so the generator's memory stays small whatever the size; only the
 * outsourced-processing issue lines (N/50) are held, to derive their returns.
 *
 * Files: outbound.csv (UTF-8), outbound-gbk.csv (the same content in GBK, as Excel on
 * Chinese Windows saves it), exit_pass.csv and one file per other slip type.
 *
 * Run: npx tsx scripts/bench-data.ts --rows 100000 [--out DIR]   (default DIR: .bench/)
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SlipTypeId } from '../src/core/types';
import { mulberry32, type Rng } from './lib/prng';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bumped whenever the generated content changes, so cached data sets are rebuilt. */
export const BENCH_DATA_VERSION = 1;

// ---------------------------------------------------------------- files and their headers

/** One generated file: its slip type and its columns as (Chinese header, canonical field). */
export interface BenchFile {
  file: string;
  type: SlipTypeId;
  columns: readonly (readonly [string, string])[];
}

const OUTBOUND_COLUMNS = [
  ['出库单号', 'slip_no'], ['出库日期', 'date'], ['客户名称', 'customer'], ['产品编码', 'product_code'],
  ['产品名称', 'product_name'], ['规格型号', 'spec'], ['数量', 'qty'], ['单价', 'unit_price'], ['金额', 'amount'],
  ['销售类型', 'sale_type'], ['业务员', 'salesperson'], ['质检确认', 'qc_confirmed'], ['出门证号', 'exit_pass_no'],
  ['总经理审批', 'gm_approval'], ['收款日期', 'payment_date'], ['结算日期', 'settlement_date'], ['旧件返回日期', 'old_part_return_date'],
] as const;

export const BENCH_FILES: readonly BenchFile[] = [
  { file: 'outbound.csv', type: 'outbound', columns: OUTBOUND_COLUMNS },
  { file: 'exit_pass.csv', type: 'exit_pass', columns: [
    ['出门证号', 'pass_no'], ['开具日期', 'date'], ['关联单号', 'slip_no'], ['开具人', 'issued_by'], ['门卫', 'guard'], ['出门时间', 'exit_time'],
  ] },
  { file: 'price_list.csv', type: 'price_list', columns: [
    ['产品编码', 'product_code'], ['产品名称', 'product_name'], ['规格型号', 'spec'], ['最低限价', 'min_price'],
    ['标准价', 'standard_price'], ['生效日期', 'effective_from'],
  ] },
  { file: 'outsource_issue.csv', type: 'outsource_issue', columns: [
    ['领料单号', 'slip_no'], ['发料日期', 'date'], ['受托单位', 'processor'], ['材料类别', 'category'], ['材料编码', 'material_code'],
    ['材料名称', 'material_name'], ['型号及规格', 'spec'], ['计量单位', 'unit'], ['发料数量', 'qty'], ['单价', 'unit_price'],
    ['金额', 'amount'], ['用途', 'purpose'], ['领料人', 'requester'], ['发料人', 'issuer'], ['批准人', 'approver'], ['出门证号', 'exit_pass_no'],
  ] },
  { file: 'outsource_return.csv', type: 'outsource_return', columns: [
    ['入库单号', 'slip_no'], ['收回日期', 'date'], ['原领料单号', 'issue_slip_no'], ['受托单位', 'processor'], ['材料编码', 'material_code'],
    ['材料名称', 'material_name'], ['收回数量', 'qty_returned'], ['报废数量', 'qty_scrapped'], ['赔偿清单号', 'compensation_no'],
    ['加工费', 'processing_fee'], ['材料费', 'material_fee'], ['单价', 'unit_price'], ['确认函', 'confirmation_letter'],
  ] },
  { file: 'fg_receipt.csv', type: 'fg_receipt', columns: [
    ['入库单号', 'slip_no'], ['入库日期', 'date'], ['生产车间', 'workshop'], ['产品图号', 'drawing_no'], ['产品编码', 'product_code'],
    ['产品名称', 'product_name'], ['规格型号', 'spec'], ['入库数量', 'qty'], ['单价', 'unit_price'], ['金额', 'amount'], ['定额工时', 'labor_hours'],
    ['核算员', 'clerk'], ['车间主任', 'director_sign'], ['检验合格章', 'inspection_stamp'], ['仓库管理员', 'keeper'],
  ] },
  { file: 'purchase_receipt.csv', type: 'purchase_receipt', columns: [
    ['入库单号', 'slip_no'], ['入库日期', 'date'], ['供应商', 'supplier'], ['物资类别', 'category'], ['物料编码', 'material_code'],
    ['物料名称', 'material_name'], ['规格型号', 'spec'], ['实收数量', 'qty'], ['单价', 'unit_price'], ['金额', 'amount'], ['发票号', 'invoice_no'],
    ['验收单号', 'inspection_no'], ['检验员', 'inspector'], ['暂估', 'provisional'], ['冲回单号', 'reverses_slip_no'], ['保管员', 'keeper'],
  ] },
  { file: 'requisition.csv', type: 'requisition', columns: [
    ['领料单号', 'slip_no'], ['领料日期', 'date'], ['领料部门', 'department'], ['物料编码', 'material_code'], ['物料名称', 'material_name'],
    ['规格型号', 'spec'], ['实发数量', 'qty'], ['单价', 'unit_price'], ['金额', 'amount'], ['领料用途', 'purpose'],
    ['领料人', 'requester'], ['发料人', 'issuer'], ['审批人', 'approver'],
  ] },
  { file: 'sales_return.csv', type: 'sales_return', columns: [
    ['退货单号', 'slip_no'], ['退库日期', 'date'], ['货物退回日期', 'goods_back_date'], ['客户名称', 'customer'], ['产品名称', 'product_name'],
    ['退货数量', 'qty'], ['金额', 'amount'], ['退货原因类型', 'reason_type'], ['调换货申请表号', 'application_no'],
    ['市场部审批', 'marketing_approval'], ['质检签字', 'qc_sign'], ['原出库单号', 'original_outbound_no'], ['退货仓库', 'warehouse'], ['验收结论', 'disposition'],
  ] },
  { file: 'shipment.csv', type: 'shipment', columns: [
    ['发运单号', 'shipment_no'], ['出库单号', 'outbound_no'], ['备货日期', 'ready_date'], ['发运日期', 'ship_date'], ['承运商', 'carrier'],
    ['目的地', 'destination'], ['偏远地区', 'remote'], ['签收日期', 'delivered_date'], ['破损短少', 'damage'], ['索赔单号', 'claim_no'], ['补发单号', 'reship_no'],
  ] },
  { file: 'stock_count.csv', type: 'stock_count', columns: [
    ['盘点日期', 'count_date'], ['仓库名称', 'warehouse'], ['存货编码', 'item_code'], ['存货名称', 'item_name'],
    ['账面数量', 'ledger_qty'], ['卡片数量', 'card_qty'], ['实盘数量', 'physical_qty'],
  ] },
  { file: 'service_call.csv', type: 'service_call', columns: [
    ['来电编号', 'call_id'], ['来电时间', 'start_time'], ['坐席工号', 'agent_id'], ['响铃次数', 'rings'], ['通话时长', 'duration_sec'],
    ['客户名称', 'customer'], ['问题描述', 'topic'], ['是否解决', 'resolved'], ['回复日期', 'reply_date'],
  ] },
];

export const GBK_OUTBOUND = 'outbound-gbk.csv';

// ---------------------------------------------------------------- randomness


/** One stream of numbers per file, so a file's content depends only on the size and its name. */
function rngFor(name: string, rows: number): Rng {
  let h = 2166136261 ^ rows;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return mulberry32(h);
}

const between = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const oneOf = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rng, p: number): boolean => r() < p;

// ---------------------------------------------------------------- dates (day numbers from 2025-01-01, UTC)

const YEAR_DAYS = 365;
const BASE_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** ISO date of a day number; about one in twelve written the other common way (2025/3/8). */
function dateText(r: Rng, day: number): string {
  const d = new Date(BASE_MS + day * DAY_MS);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, dd = d.getUTCDate();
  return chance(r, 0.08) ? `${y}/${m}/${dd}` : `${y}-${pad2(m)}-${pad2(dd)}`;
}
const isoDate = (day: number): string => new Date(BASE_MS + day * DAY_MS).toISOString().slice(0, 10);
const timeText = (r: Rng): string => `${pad2(between(r, 7, 19))}:${pad2(between(r, 0, 59))}`;
const lastDayOfMonth = (month: number): number => (Date.UTC(2025, month + 1, 1) - BASE_MS) / DAY_MS - 1;

// ---------------------------------------------------------------- numbers

const money = (x: number): string => (Math.round(x * 100) / 100).toFixed(2);
/** Amounts as ERP exports write them: mostly plain, sometimes with thousands separators. */
function amountText(r: Rng, x: number): string {
  const plain = money(x);
  if (x < 1000 || !chance(r, 0.15)) return plain;
  const [int, frac] = plain.split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}
const seq = (prefix: string, n: number, width: number): string => prefix + String(n).padStart(width, '0');

// ---------------------------------------------------------------- master data

const PEOPLE = [
  '王建国', '李秀英', '张伟', '刘洋', '陈静', '杨帆', '赵磊', '黄丽', '周敏', '吴强', '徐明', '孙涛', '胡军', '朱红', '高峰',
  '林芳', '何勇', '郭鹏', '马超', '罗琳', '梁斌', '宋洁', '郑浩', '谢娜', '韩冰', '唐亮', '冯雪', '于海', '董平', '萧雨',
];
const CITIES = ['杭州', '宁波', '温州', '苏州', '无锡', '南京', '合肥', '济南', '青岛', '郑州', '武汉', '长沙', '成都', '重庆', '西安', '沈阳', '石家庄', '太原', '南昌', '福州', '乌鲁木齐', '拉萨'];
const STEMS = ['华东机电', '恒通水泵', '宏达阀门', '鑫源设备', '利民机械', '永安泵业', '金鼎流体', '广源工贸', '瑞丰实业', '中联水务'];
const SUFFIXES = ['有限公司', '股份有限公司', '贸易有限公司', '经销部'];
const PRODUCT_KINDS = [
  ['离心泵', 'ISW'], ['管道泵', 'ISG'], ['潜水泵', 'QJ'], ['自吸泵', 'ZX'], ['多级泵', 'DL'], ['闸阀', 'Z41H'], ['截止阀', 'J41H'],
  ['止回阀', 'H44H'], ['球阀', 'Q41F'], ['蝶阀', 'D71X'], ['三相异步电动机', 'Y2'], ['变频电机', 'YVF2'], ['减速机', 'WPA'],
  ['机械密封', 'MG1'], ['叶轮', 'YL'], ['泵体', 'BT'], ['轴承座', 'UCP'], ['联轴器', 'LT'], ['电控柜', 'XL21'], ['压力表', 'Y100'],
] as const;
const MATERIALS = [
  ['灰铁铸件', '铸件'], ['球墨铸件', '铸件'], ['不锈钢法兰', '锻件'], ['碳钢法兰', '锻件'], ['圆钢', '钢材'], ['无缝钢管', '钢材'],
  ['冷轧板', '钢材'], ['漆包线', '电机配件'], ['硅钢片', '电机配件'], ['深沟球轴承', '电机配件'], ['O型圈', '密封件'], ['石墨垫片', '密封件'],
] as const;
const PROCESSORS = ['温岭市精工铸造厂', '永康市宏达机械加工厂', '台州市黄岩热处理厂', '玉环县博源阀门配件厂', '诸暨市金属表面处理有限公司', '绍兴市越城精密机械厂'];
const SUPPLIERS = ['宝钢集团有限公司', '杭州钢铁贸易有限公司', '人本轴承集团', '上海电缆厂有限公司', '浙江博威密封件有限公司', '江苏永钢物资有限公司'];
const WORKSHOPS = ['一车间', '二车间', '装配车间', '电机车间', '铸造车间'];
const CARRIERS = ['德邦物流', '顺丰速运', '安能物流', '中通快运', '天地华宇'];
const TOPICS = ['产品咨询', '报价询问', '安装指导', '故障报修', '配件查询', '发货查询', '投诉'];

interface Product { code: string; name: string; spec: string; min: number; std: number }
interface Material { code: string; name: string; category: string; spec: string; price: number }

function products(): Product[] {
  const r = rngFor('products', 0);
  const out: Product[] = [];
  for (let i = 0; i < 300; i++) {
    const [name, series] = PRODUCT_KINDS[i % PRODUCT_KINDS.length];
    const std = between(r, 80, 18000) + between(r, 0, 99) / 100;
    out.push({
      code: seq('P', 10001 + i, 5), name, spec: `${series}${between(r, 25, 200)}-${between(r, 100, 315)}${oneOf(r, ['', 'A', 'B'])}`,
      std, min: Math.round(std * (0.82 + r() * 0.1) * 100) / 100,
    });
  }
  return out;
}

function materials(): Material[] {
  const r = rngFor('materials', 0);
  const out: Material[] = [];
  for (let i = 0; i < 240; i++) {
    const [name, category] = MATERIALS[i % MATERIALS.length];
    out.push({ code: seq('M', 20001 + i, 5), name, category, spec: `${oneOf(r, ['HT200', 'QT450', 'Q235', '304', '45#', '6204', 'Φ80'])}-${between(r, 10, 500)}`, price: between(r, 5, 800) + between(r, 0, 99) / 100 });
  }
  return out;
}

function customers(): string[] {
  const r = rngFor('customers', 0);
  const seen = new Set<string>();
  while (seen.size < 200) seen.add(`${oneOf(r, CITIES)}${oneOf(r, STEMS)}${oneOf(r, SUFFIXES)}`);
  return [...seen];
}

// ---------------------------------------------------------------- GBK encoding

let gbkMap: Int32Array | null = null;

/**
 * Unicode → GBK byte pair for every two-byte GBK code, built by decoding each pair once
 * (Node's TextEncoder only writes UTF-8).
 */
function gbkTable(): Int32Array {
  if (gbkMap) return gbkMap;
  const map = new Int32Array(65536).fill(-1);
  const dec = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const s = dec.decode(Uint8Array.of(lead, trail));
      if (s.length !== 1 || s === '\ufffd') continue;
      const cp = s.charCodeAt(0);
      if (map[cp] === -1) map[cp] = (lead << 8) | trail;
    }
  }
  gbkMap = map;
  return map;
}

/** GBK bytes of a text made of ASCII and GBK characters; anything else is a bug in this generator. */
export function encodeGbk(text: string): Uint8Array {
  const map = gbkTable();
  const out = new Uint8Array(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) { out[n++] = c; continue; }
    const pair = map[c];
    if (pair === -1) throw new Error(`encodeGbk: no GBK code for U+${c.toString(16)} in "${text.slice(Math.max(0, i - 10), i + 10)}"`);
    out[n++] = pair >> 8;
    out[n++] = pair & 0xff;
  }
  return out.subarray(0, n);
}

// ---------------------------------------------------------------- CSV sink

const NEEDS_QUOTES = /[",\r\n]/;
const cell = (s: string): string => (NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV rows out through a stream (CRLF, as Windows exports write), optionally mirrored as GBK. */
class CsvSink {
  rows = 0;
  bytes = 0;
  private buf: string[] = [];
  private size = 0;
  private readonly out: WriteStream;
  private readonly gbk: WriteStream | null;

  constructor(path: string, header: readonly string[], gbkPath?: string) {
    this.out = createWriteStream(path);
    this.gbk = gbkPath ? createWriteStream(gbkPath) : null;
    this.buf.push(header.map(cell).join(','));
  }

  async row(cells: readonly string[]): Promise<void> {
    const line = cells.map(cell).join(',');
    this.buf.push(line);
    this.rows++;
    this.size += line.length;
    if (this.size > 256 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const text = `${this.buf.join('\r\n')}\r\n`;
    this.buf = [];
    this.size = 0;
    const bytes = Buffer.from(text, 'utf8');
    this.bytes += bytes.length;
    const waits: Promise<void>[] = [];
    if (!this.out.write(bytes)) waits.push(drained(this.out));
    if (this.gbk && !this.gbk.write(encodeGbk(text))) waits.push(drained(this.gbk));
    await Promise.all(waits);
  }

  async close(): Promise<void> {
    await this.flush();
    await Promise.all([this.out, this.gbk].filter((s): s is WriteStream => s !== null).map(
      (s) => new Promise<void>((res, rej) => { s.once('error', rej); s.end(() => res()); }),
    ));
  }
}

const drained = (s: WriteStream): Promise<void> => new Promise((res) => s.once('drain', () => res()));

function sink(dir: string, file: string, gbkFile?: string): CsvSink {
  const spec = BENCH_FILES.find((f) => f.file === file);
  if (!spec) throw new Error(`no such bench file ${file}`);
  return new CsvSink(join(dir, file), spec.columns.map(([h]) => h), gbkFile ? join(dir, gbkFile) : undefined);
}

// ---------------------------------------------------------------- the generator

export interface GeneratedFile { file: string; rows: number; bytes: number }

/** Write the data set for `rows` outbound lines into `dir`. */
export async function generateBenchData(dir: string, rows: number): Promise<GeneratedFile[]> {
  mkdirSync(dir, { recursive: true });
  const prods = products();
  const mats = materials();
  const custs = customers();
  const out: GeneratedFile[] = [];
  const done = (file: string, s: CsvSink) => out.push({ file, rows: s.rows, bytes: s.bytes });

  const passes = sink(dir, 'exit_pass.csv');
  let passNo = 0;
  const pr = rngFor('exit_pass.csv', rows);
  /** An exit pass for a slip leaving on `day`; a few are dated after the goods left. */
  const writePass = async (slipNo: string, day: number): Promise<string> => {
    const no = seq('CM', ++passNo, 7);
    const exitDay = chance(pr, 0.005) ? day - 1 : day;
    await passes.row([no, dateText(pr, day), slipNo, oneOf(pr, PEOPLE), chance(pr, 0.01) ? '' : oneOf(pr, PEOPLE), `${isoDate(exitDay)} ${timeText(pr)}`]);
    return no;
  };

  // Outbound: 1–5 lines per slip, slip numbers in date order with a rare gap.
  const ob = sink(dir, 'outbound.csv', GBK_OUTBOUND);
  const r = rngFor('outbound.csv', rows);
  const slips = Math.ceil(rows / 3);
  let slip = 0, num = 0, lines = 0;
  const slipDay: number[] = [];
  while (lines < rows) {
    slip++;
    num += chance(r, 0.0005) ? 2 : 1;
    const slipNo = seq('CK', num, 6);
    const day = Math.min(YEAR_DAYS - 1, Math.floor(((slip - 1) * YEAR_DAYS) / slips));
    slipDay.push(day);
    const date = dateText(r, day);
    const u = r();
    const saleType = u < 0.8 ? 'normal' : u < 0.92 ? 'retail' : 'after_sales';
    const saleLabel = saleType === 'normal' ? oneOf(r, ['经销', '批发', '销售']) : saleType === 'retail' ? oneOf(r, ['零售', '零星销售']) : '售后';
    const customer = oneOf(r, custs);
    const salesperson = chance(r, 0.01) ? '' : oneOf(r, PEOPLE);
    const q = r();
    const qc = q < 0.96 ? '是' : q < 0.98 ? '否' : '';
    const gated = !chance(r, 0.03);
    const passText = gated ? await writePass(slipNo, day) : '';
    const showPass = gated && chance(r, 0.9);
    const payment = saleType !== 'retail' ? '' : chance(r, 0.9) ? date : chance(r, 0.5) ? isoDate(day + between(r, 3, 20)) : '';
    const s = r();
    const settlement = saleType !== 'normal' ? '' : s < 0.8 ? isoDate(day + between(r, 5, 28)) : s < 0.88 ? isoDate(day + between(r, 35, 70)) : '';
    const o = r();
    const oldPart = saleType !== 'after_sales' ? '' : o < 0.85 ? isoDate(day + between(r, 3, 25)) : o < 0.95 ? '' : isoDate(day + between(r, 40, 80));
    const slipApproval = saleType === 'after_sales' && chance(r, 0.93) ? '总经理' : '';
    const n = Math.min(between(r, 1, 5), rows - lines);
    for (let i = 0; i < n; i++) {
      const p = oneOf(r, prods);
      const qty = chance(r, 0.9) ? between(r, 1, 20) : between(r, 21, 100);
      const below = chance(r, 0.03);
      const price = below ? p.min * (0.8 + r() * 0.17) : p.std * (0.95 + r() * 0.2);
      const unit = Math.round(price * 100) / 100;
      const amount = qty * unit + (chance(r, 0.01) ? between(r, 10, 100) : 0);
      const approval = slipApproval || (below && chance(r, 0.3) ? oneOf(r, ['总经理', '同意']) : '');
      await ob.row([
        slipNo, date, customer, p.code, p.name, p.spec, String(qty), money(unit), amountText(r, amount), saleLabel, salesperson, qc,
        showPass ? passText : '', approval, payment, settlement, oldPart,
      ]);
    }
    lines += n;
  }
  await ob.close();
  done('outbound.csv', ob);

  // Outsourced-processing issues (N/50 lines), their passes, and their returns (most of them).
  const ir = rngFor('outsource_issue.csv', rows);
  const issue = sink(dir, 'outsource_issue.csv');
  interface IssueLine { slipNo: string; day: number; processor: string; m: Material; qty: number }
  const issued: IssueLine[] = [];
  const issueLines = Math.max(1, Math.round(rows / 50));
  for (let k = 1; issued.length < issueLines; k++) {
    const slipNo = seq('WW', k, 6);
    const day = Math.floor(((issued.length) * YEAR_DAYS) / issueLines);
    const processor = oneOf(ir, PROCESSORS);
    const passText = chance(ir, 0.95) ? await writePass(slipNo, day) : '';
    const people = [oneOf(ir, PEOPLE), oneOf(ir, PEOPLE), chance(ir, 0.03) ? '' : oneOf(ir, PEOPLE)];
    const date = dateText(ir, day);
    for (let i = between(ir, 1, 3); i > 0 && issued.length < issueLines; i--) {
      const m = oneOf(ir, mats);
      const qty = between(ir, 10, 500);
      issued.push({ slipNo, day, processor, m, qty });
      await issue.row([
        slipNo, date, processor, m.category, m.code, m.name, chance(ir, 0.02) ? '' : m.spec, oneOf(ir, ['件', '套', 'kg', '个']),
        String(qty), money(m.price), amountText(ir, qty * m.price), oneOf(ir, ['外协加工', '表面处理', '热处理', '机加工']), ...people, passText,
      ]);
    }
  }
  await issue.close();
  done('outsource_issue.csv', issue);

  // Orphan passes: a pass naming a slip that is not in the data.
  for (let i = Math.max(1, Math.round(rows / 3000)); i > 0; i--) await writePass(seq('CK', 9_000_000 + i, 7), between(pr, 0, YEAR_DAYS - 1));
  await passes.close();
  done('exit_pass.csv', passes);

  const rr = rngFor('outsource_return.csv', rows);
  const returns: { day: number; row: string[] }[] = [];
  for (const line of issued) {
    if (!chance(rr, 0.84)) continue;
    const day = line.day + (chance(rr, 0.85) ? between(rr, 10, 45) : between(rr, 65, 120));
    if (day >= YEAR_DAYS) continue;
    const scrapped = chance(rr, 0.05) ? between(rr, 1, Math.max(1, Math.floor(line.qty / 20))) : 0;
    const short = chance(rr, 0.05) ? between(rr, 1, 10) : 0;
    const fee = Math.round(line.m.price * 0.3 * 100) / 100;
    const material = Math.round((line.m.price - fee) * 100) / 100;
    returns.push({ day, row: [
      '', dateText(rr, day), line.slipNo, line.processor, line.m.code, line.m.name, String(Math.max(0, line.qty - scrapped - short)),
      scrapped ? String(scrapped) : '', scrapped && chance(rr, 0.7) ? seq('PC', between(rr, 1, 99999), 5) : '',
      chance(rr, 0.03) ? '' : money(fee), money(material), money(chance(rr, 0.02) ? line.m.price + 1 : line.m.price), chance(rr, 0.5) ? '已回函' : '',
    ] });
  }
  returns.sort((a, b) => a.day - b.day);
  const ret = sink(dir, 'outsource_return.csv');
  let retNo = 0;
  for (const x of returns) { x.row[0] = seq('WR', ++retNo, 6); await ret.row(x.row); }
  await ret.close();
  done('outsource_return.csv', ret);

  // Price list: one row per product, a second, later price for some.
  const plr = rngFor('price_list.csv', rows);
  const pl = sink(dir, 'price_list.csv');
  for (const p of prods) {
    await pl.row([p.code, p.name, p.spec, money(p.min), money(p.std), chance(plr, 0.8) ? '2025-01-01' : '']);
    if (chance(plr, 0.3)) await pl.row([p.code, p.name, p.spec, money(p.min * 1.05), money(p.std * 1.05), '2025-07-01']);
  }
  await pl.close();
  done('price_list.csv', pl);

  await writeDated(dir, 'fg_receipt.csv', rows, rows / 10, 4, async (s, r, slipNo, day, date) => {
    const p = oneOf(r, prods);
    const qty = between(r, 1, 200);
    const unit = chance(r, 0.95) ? p.std : Math.round(p.std * 1.08 * 100) / 100;
    const incomplete = chance(r, 0.02);
    await s.row([
      slipNo, date, oneOf(r, WORKSHOPS), `TH-${p.code.slice(1)}`, p.code, p.name, incomplete ? '' : p.spec, String(qty), money(unit),
      amountText(r, qty * unit), incomplete ? '' : (between(r, 5, 400) / 10).toFixed(1), oneOf(r, PEOPLE),
      chance(r, 0.03) ? '' : oneOf(r, PEOPLE), chance(r, 0.96) ? '√' : '', chance(r, 0.01) ? '/' : oneOf(r, PEOPLE),
    ]);
  }, 'CP', out);

  const pending: { slipNo: string; lines: string[][]; due: number }[] = [];
  await writeDated(dir, 'purchase_receipt.csv', rows, rows / 20, 3, async (s, r, slipNo, day, date, first) => {
    if (first) {
      const due = pending.length && pending[0].due <= day ? pending.shift() : undefined;
      if (due) {
        const exact = chance(r, 0.95);
        for (const l of due.lines) {
          await s.row([slipNo, date, l[2], l[3], l[4], l[5], l[6], `-${l[7]}`, l[8], `-${exact ? l[9] : money(Number(l[9].replace(/,/g, '')) + 5)}`, '', l[11], l[12], '', due.slipNo, l[15]]);
        }
        return 'replaced';
      }
    }
    const m = oneOf(r, mats);
    const qty = between(r, 10, 2000);
    const provisional = chance(r, 0.08);
    const row = [
      slipNo, date, oneOf(r, SUPPLIERS), m.category, m.code, m.name, m.spec, String(qty), money(m.price), money(qty * m.price),
      provisional ? '' : String(between(r, 10000000, 99999999)), chance(r, 0.04) ? '' : seq('YS', between(r, 1, 999999), 6),
      chance(r, 0.03) ? '' : oneOf(r, PEOPLE), provisional ? '是' : '否', '', oneOf(r, PEOPLE),
    ];
    await s.row(row);
    if (provisional && chance(r, 0.8)) {
      const open = pending.find((x) => x.slipNo === slipNo);
      if (open) open.lines.push(row); else pending.push({ slipNo, lines: [row], due: day + between(r, 20, 35) });
    }
    return 'written';
  }, 'CG', out);

  await writeDated(dir, 'requisition.csv', rows, rows / 10, 4, async (s, r, slipNo, day, date) => {
    const m = oneOf(r, mats);
    const qty = between(r, 1, 300);
    await s.row([
      slipNo, date, oneOf(r, WORKSHOPS), m.code, m.name, m.spec, String(qty), money(m.price), amountText(r, qty * m.price),
      chance(r, 0.03) ? '' : seq('SC', between(r, 1, 9999), 5), oneOf(r, PEOPLE), oneOf(r, PEOPLE), chance(r, 0.03) ? '待审' : oneOf(r, PEOPLE),
    ]);
  }, 'LL', out);

  await writeDated(dir, 'sales_return.csv', rows, rows / 200, 2, async (s, r, slipNo, day, date) => {
    const p = oneOf(r, prods);
    const qty = between(r, 1, 10);
    const back = Math.max(0, day - (chance(r, 0.05) ? between(r, 35, 60) : between(r, 1, 20)));
    const quality = chance(r, 0.6);
    const d = r();
    await s.row([
      slipNo, date, isoDate(back), oneOf(r, custs), p.name, String(qty), money(qty * p.std), quality ? '质量问题' : '调换货',
      chance(r, 0.03) ? '' : seq('SQ', between(r, 1, 99999), 5), quality || chance(r, 0.95) ? oneOf(r, PEOPLE) : '',
      chance(r, 0.03) ? '' : oneOf(r, PEOPLE), seq('CK', between(r, 1, Math.max(1, num)), 6), '退货库', d < 0.7 ? '合格' : d < 0.96 ? '不合格' : '',
    ]);
  }, 'TH', out);

  await writeDated(dir, 'shipment.csv', rows, rows / 5, 1, async (s, r, shipNo, day) => {
    const ready = chance(r, 0.9) ? day : Math.max(0, day - between(r, 1, 3));
    const remote = chance(r, 0.1);
    const dl = r();
    const delivered = dl < 0.9 ? isoDate(day + between(r, 1, 3)) : dl < 0.98 ? isoDate(day + between(r, 4, 9)) : '';
    const damage = chance(r, 0.02);
    const slipIx = Math.min(slipDay.length - 1, Math.max(0, Math.floor((day / YEAR_DAYS) * slipDay.length) + between(r, -20, 20)));
    await s.row([
      shipNo, seq('CK', slipIx + 1, 6), isoDate(ready), isoDate(day), oneOf(r, CARRIERS), `${remote ? oneOf(r, ['乌鲁木齐', '拉萨', '西宁']) : oneOf(r, CITIES)}市`,
      remote ? '是' : '否', delivered, damage ? '是' : '', damage && chance(r, 0.7) ? seq('PF', between(r, 1, 9999), 5) : '',
      damage && chance(r, 0.7) ? seq('BF', between(r, 1, 9999), 5) : '',
    ]);
  }, 'FY', out);

  // Stock counts: at each month end, a sample of items per warehouse.
  const sr = rngFor('stock_count.csv', rows);
  const sc = sink(dir, 'stock_count.csv');
  const perMonth = Math.max(25, Math.min(350, Math.round(rows / 3000)));
  for (let month = 0; month < 12; month++) {
    const day = lastDayOfMonth(month);
    for (let i = 0; i < perMonth; i++) {
      const item = chance(sr, 0.5) ? oneOf(sr, prods) : oneOf(sr, mats);
      const ledger = between(sr, 0, 900);
      const physical = chance(sr, 0.04) ? ledger + between(sr, -5, 5) : ledger;
      await sc.row([isoDate(day), item.code.startsWith('P') ? '成品库' : '原材料库', item.code, item.name, String(ledger), chance(sr, 0.98) ? String(ledger) : String(ledger + 1), String(physical)]);
    }
  }
  await sc.close();
  done('stock_count.csv', sc);

  await writeDated(dir, 'service_call.csv', rows, rows / 100, 1, async (s, r, callId, day) => {
    const rings = chance(r, 0.9) ? between(r, 1, 3) : between(r, 4, 8);
    const secs = chance(r, 0.92) ? between(r, 20, 300) : between(r, 301, 1500);
    const resolved = chance(r, 0.7);
    await s.row([
      callId, `${isoDate(day)} ${timeText(r)}`, `10${pad2(between(r, 1, 40))}`, String(rings),
      chance(r, 0.5) ? String(secs) : `${Math.floor(secs / 60)}:${pad2(secs % 60)}`, oneOf(r, custs), oneOf(r, TOPICS),
      resolved ? '是' : '否', resolved ? '' : chance(r, 0.9) ? isoDate(day + between(r, 0, 1)) : isoDate(day + between(r, 2, 6)),
    ]);
  }, 'KF', out);

  return out;
}

/**
 * A dated slip file spread over the year: `count` rows in slips of 1..maxLines lines,
 * numbered prefix + 6 digits in date order. The row writer may replace a whole slip
 * (a red reversal) by returning 'replaced' on its first line.
 */
async function writeDated(
  dir: string, file: string, rows: number, count: number, maxLines: number,
  writeLine: (s: CsvSink, r: Rng, slipNo: string, day: number, date: string, first: boolean) => Promise<unknown>,
  prefix: string, out: GeneratedFile[],
): Promise<void> {
  const r = rngFor(file, rows);
  const s = sink(dir, file);
  const target = Math.max(1, Math.round(count));
  const width = maxLines === 1 ? 7 : 6;
  for (let k = 1; s.rows < target; k++) {
    const slipNo = seq(prefix, k, width);
    const day = Math.min(YEAR_DAYS - 1, Math.floor((s.rows * YEAR_DAYS) / target));
    const date = dateText(r, day);
    const n = between(r, 1, maxLines);
    for (let i = 0; i < n && s.rows < target; i++) {
      if ((await writeLine(s, r, slipNo, day, date, i === 0)) === 'replaced') break;
    }
  }
  await s.close();
  out.push({ file, rows: s.rows, bytes: s.bytes });
}

// ---------------------------------------------------------------- command line

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, out: { type: 'string' } } });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 10) throw new Error(`--rows must be an integer ≥ 10, got ${values.rows}`);
  const dir = resolve(values.out ?? join(ROOT, '.bench'));
  const started = performance.now();
  const files = await generateBenchData(dir, rows);
  for (const f of files) process.stdout.write(`${f.file.padEnd(22)} ${String(f.rows).padStart(9)} rows ${(f.bytes / 1e6).toFixed(1).padStart(7)} MB\n`);
  process.stdout.write(`${dir}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`); process.exitCode = 1; });
}
