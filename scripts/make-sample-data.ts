/**
 * Writes sample-data/: one quarter (2025-01-01 … 2025-03-31) of warehouse
 * exports of a fictional pump, valve and motor maker, in the shapes real ERP
 * exports come in (GBK CSV with title and totals rows, UTF-8 with and without
 * BOM, UTF-16LE tab text, .xlsx and BIFF8 .xls workbooks), with planted breaches
 * of every rule and boundary records that must not fire.
 *
 * Deterministic: a seeded PRNG, no clock. The planted findings are not just
 * declared: a reference evaluation of the rule catalogue over the generated
 * records must find exactly the planted keys, or the script fails.
 *
 * Run: npm run sample-data
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as XLSX from '@e965/xlsx';
import { mulberry32, type Rng } from './lib/prng';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'sample-data');
const AS_OF = '2025-03-31';
const EXPORT_DAY = '2025-04-02';

// ---------------------------------------------------------------- randomness

const between = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const oneOf = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

// ---------------------------------------------------------------- dates (ISO strings, UTC arithmetic)

const DAY_MS = 86_400_000;
const toDays = (iso: string): number => {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
};
const fromDays = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
const addDays = (iso: string, n: number): string => fromDays(toDays(iso) + n);
const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
function addMonths(iso: string, n: number): string {
  let [y, m, d] = iso.split('-').map(Number);
  m += n;
  while (m > 12) { m -= 12; y += 1; }
  d = Math.min(d, daysInMonth(y, m));
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function eom(iso: string): string {
  const [y, m] = iso.split('-').map(Number);
  return `${iso.slice(0, 7)}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
}
const diffDays = (a: string, b: string): number => toDays(b) - toDays(a);
const minIso = (a: string, b: string): string => (a < b ? a : b);

/** Working days of the quarter with a business-volume weight (Sundays off, Spring Festival slow). */
const WORK_DAYS: { date: string; slow: boolean }[] = [];
for (let n = toDays('2025-01-02'); n <= toDays(AS_OF); n++) {
  const date = fromDays(n);
  if (new Date(n * DAY_MS).getUTCDay() === 0) continue;
  WORK_DAYS.push({ date, slow: date >= '2025-01-28' && date <= '2025-02-04' });
}

// ---------------------------------------------------------------- records

/** A canonical value: text (raw, as written), an ISO date, a number (money in cents), or nothing. */
type V = string | number | null;
type Row = Record<string, V>;
interface Slip { h: Row; lines: Row[] }

/** Cells written differently from their canonical value (e.g. an unreadable kept date). */
const RAW = new Map<Row, Record<string, string>>();
/** Optional cells written unreadable: the loader keeps the row with the field empty. */
const KEPT = new Map<Row, string>();
/** Lines written with a missing required value: the loader must reject them. */
const REJECTED = new Set<Row>();

const slip = (h: Row, lines: Row[]): Slip => ({ h, lines });
const rowsOf = (slips: Slip[]): Row[] =>
  slips.flatMap((s) => s.lines.filter((l) => !REJECTED.has(l)).map((l) => ({ ...s.h, ...l })));
const str = (v: V): string => (v === null ? '' : String(v));
const num = (v: V): number | null => (typeof v === 'number' ? v : null);

// ---------------------------------------------------------------- master data

interface Product {
  code: string; name: string; spec: string; family: 'pump' | 'valve' | 'motor';
  std: number; min: number; hours: number;
}
const yuan = (y: number): number => Math.round(y * 100);

const PRODUCTS: Product[] = [
  ['CP1001', '单级离心泵', 'IS80-65-160', 'pump', 3280, 2950, 6.5],
  ['CP1002', '单级离心泵', 'IS100-80-160', 'pump', 4150, 3700, 7.5],
  ['CP1003', '多级离心泵', 'D46-50×5', 'pump', 12800, 11500, 22],
  ['CP1004', '潜水排污泵', '50QW15-20-2.2', 'pump', 2680, 2400, 5],
  ['CP1005', '立式多级泵', 'CDL4-80', 'pump', 5620, 5050, 9],
  ['CP1006', '管道离心泵', 'ISG65-160', 'pump', 2890, 2600, 5.5],
  ['CP1007', '氟塑料合金泵', '50FSB-25', 'pump', 3460, 3100, 6],
  ['CP1008', '自吸泵', '50ZX-12.5-32', 'pump', 3150, 2830, 6],
  ['CP2001', '法兰闸阀', 'Z41H-16C DN100', 'valve', 1260, 1130, 2.5],
  ['CP2002', '截止阀', 'J41H-16C DN50', 'valve', 735.5, 660, 1.5],
  ['CP2003', '球阀', 'Q41F-16P DN80', 'valve', 1485, 1330, 2],
  ['CP2004', '对夹蝶阀', 'D71X-16 DN150', 'valve', 628, 560, 1.2],
  ['CP2005', '旋启式止回阀', 'H44H-25 DN100', 'valve', 1580, 1420, 2.5],
  ['CP2006', '减压阀', 'Y43H-16C DN65', 'valve', 2360, 2120, 3],
  ['CP2007', '弹簧式安全阀', 'A48Y-16C DN50', 'valve', 1890, 1700, 2.5],
  ['CP3001', '三相异步电动机', 'Y2-132S-4 5.5kW', 'motor', 2450, 2200, 8],
  ['CP3002', '三相异步电动机', 'Y2-160M-4 11kW', 'motor', 4380, 3940, 11],
  ['CP3003', '高效三相异步电动机', 'YE3-180L-4 22kW', 'motor', 7650, 6880, 16],
  ['CP3004', '高效三相异步电动机', 'YE3-200L-4 30kW', 'motor', 9820, 8830, 19],
  ['CP3005', '变频调速电动机', 'YVF2-160M-4 11kW', 'motor', 5960, 5360, 12],
  ['CP3006', '隔爆型电动机', 'YB3-132M-4 7.5kW', 'motor', 4720, 4250, 10],
].map(([code, name, spec, family, std, min, hours]) => ({
  code, name, spec, family, std: yuan(std as number), min: yuan(min as number), hours,
} as Product));
const productByCode = new Map(PRODUCTS.map((p) => [p.code, p]));
const P = (code: string): Product => productByCode.get(code)!;

/** The product whose prices change mid-quarter. */
const CHANGED = P('CP1001');
const CHANGE_DATE = '2025-02-15';
const CHANGED_NEW = { std: yuan(3380), min: yuan(3050) };
/** The product whose price-list row carries no effective date. */
const UNDATED = P('CP3006');

interface PriceRow { code: string; name: string; spec: string; min: number; std: number; from: string }
const PRICE_ROWS: PriceRow[] = [
  ...PRODUCTS.map((p) => ({
    code: p.code, name: p.name, spec: p.spec, min: p.min, std: p.std, from: p === UNDATED ? '' : '2025-01-01',
  })),
  { code: CHANGED.code, name: CHANGED.name, spec: CHANGED.spec, ...CHANGED_NEW, from: CHANGE_DATE },
];

/** RULES.md price-list lookup: by code, latest dated row on or before the date, undated as fallback. */
function priceAt(code: string, date: string): PriceRow | undefined {
  const rows = PRICE_ROWS.filter((r) => r.code === code);
  const dated = rows.filter((r) => r.from !== '' && r.from <= date).sort((a, b) => (a.from < b.from ? 1 : -1));
  return dated[0] ?? rows.find((r) => r.from === '');
}

interface Material { code: string; name: string; spec: string; unit: string; category: string; price: number; supplier: string }
const MATERIALS: Material[] = [
  ['CL0101', '泵体毛坯', 'HT250 IS80', '件', '铸件', 186, '常州恒通铸造厂'],
  ['CL0102', '叶轮铸件', 'ZG230-450 Φ160', '件', '铸件', 92.5, '常州恒通铸造厂'],
  ['CL0103', '阀体铸件', 'WCB DN100', '件', '铸件', 248, '泰州永固铸钢有限公司'],
  ['CL0104', '阀盖铸件', 'WCB DN50', '件', '铸件', 76.8, '泰州永固铸钢有限公司'],
  ['CL0201', '电机轴', '45#钢 Φ42×380', '根', '机加件', 68, '无锡宏达机械配件厂'],
  ['CL0202', '泵轴', '2Cr13 Φ35×420', '根', '机加件', 112, '无锡宏达机械配件厂'],
  ['CL0301', '深沟球轴承', '6308-2Z', '套', '标准件', 45.6, '上海人本轴承销售公司'],
  ['CL0302', '深沟球轴承', '6206-2RS', '套', '标准件', 18.4, '上海人本轴承销售公司'],
  ['CL0303', '机械密封', 'MG1-35', '套', '标准件', 138, '宁波东联密封件有限公司'],
  ['CL0304', '六角螺栓', 'M16×60 8.8级', '件', '标准件', 1.35, '嘉兴海盐紧固件厂'],
  ['CL0401', '漆包线', 'QZ-2/130 Φ1.0', 'kg', '原材料', 78.5, '江阴新华漆包线有限公司'],
  ['CL0402', '冷轧硅钢片', '50W470', 'kg', '原材料', 9.2, '宝钢金属贸易有限公司'],
  ['CL0403', '不锈钢板', '304 δ3', 'kg', '原材料', 16.8, '宝钢金属贸易有限公司'],
  ['CL0404', '圆钢', '45# Φ60', 'kg', '原材料', 5.6, '宝钢金属贸易有限公司'],
  ['CL0501', '接线盒', 'JXH-132', '件', '外购件', 26, '温州正泰配件经营部'],
  ['CL0502', '风扇叶', 'Φ260 PP', '件', '外购件', 14.5, '温州正泰配件经营部'],
].map(([code, name, spec, unit, category, price, supplier]) => ({
  code, name, spec, unit, category, price: yuan(price as number), supplier,
} as Material));

interface Customer { name: string; city: string; remote: boolean }
const CUSTOMERS: Customer[] = [
  ['上海申能水务工程有限公司', '上海'], ['江苏南通环保设备有限公司', '南通'], ['杭州西湖泵阀经销部', '杭州'],
  ['宁波港建设备有限公司', '宁波'], ['合肥天源水处理有限公司', '合肥'], ['苏州工业园区清源水务公司', '苏州'],
  ['南京长江石化设备公司', '南京'], ['温州瓯江阀门贸易行', '温州'], ['无锡太湖动力设备有限公司', '无锡'],
  ['山东潍坊润丰化工有限公司', '潍坊'], ['江西九江赣北建材有限公司', '九江'], ['福建厦门海沧热电厂', '厦门'],
  ['新疆克拉玛依石化服务公司', '克拉玛依'], ['西藏拉萨城投水务公司', '拉萨'],
].map(([name, city]) => ({ name, city, remote: city === '克拉玛依' || city === '拉萨' }));
const RETAIL_CUSTOMERS = ['零星客户', '个人（现款）', '门市散客'];

const SALESPEOPLE = ['陈晓东', '刘建华', '孙丽萍', '周海涛', '黄志强'];
/** The general manager: a real name containing 无, which is not a placeholder. */
const GM = '王无忌';
const QC_YES = ['√', '是', '已确认', 'Y'];
const STAMP_YES = ['已盖章', '√', '合格'];
const WORKSHOPS = [
  { name: '一车间', family: 'pump', director: '张卫国', clerk: '沈佳' },
  { name: '二车间', family: 'valve', director: '李明辉', clerk: '杨帆' },
  { name: '三车间', family: 'motor', director: '徐无咎', clerk: '袁梅' },
] as const;
const KEEPERS = ['赵春梅', '钱国栋'];
const PASS_ISSUERS = ['吴秀兰', '郑丽'];
const GUARDS = ['周国强', '马建军'];

// ---------------------------------------------------------------- the planted breaches

type Key = string | (() => string);
interface Plan { planted: Key[]; mustNotFire: Key[]; critical: Key[]; originalValue: Key[] }
const PLANS = new Map<string, Plan>();
function plan(rule: string): Plan {
  let p = PLANS.get(rule);
  if (!p) { p = { planted: [], mustNotFire: [], critical: [], originalValue: [] }; PLANS.set(rule, p); }
  return p;
}
const keyOf = (s: Slip, field = 'slip_no'): (() => string) => () => str(s.h[field]);
const resolveKey = (k: Key): string => (typeof k === 'string' ? k : k());

/** Picks slips for planting, never the same slip twice, spread over the list. */
class Picker {
  private used = new Set<Slip>();
  constructor(private readonly slips: Slip[], private readonly r: Rng) {}
  take(pred: (s: Slip) => boolean, what: string): Slip {
    const n = this.slips.length;
    const start = Math.floor(this.r() * n);
    for (let i = 0; i < n; i++) {
      const s = this.slips[(start + i) % n];
      if (!this.used.has(s) && pred(s)) { this.used.add(s); return s; }
    }
    throw new Error(`no slip left to plant: ${what}`);
  }
  reserve(s: Slip): void { this.used.add(s); }
  isUsed(s: Slip): boolean { return this.used.has(s); }
}

/** Numbers slips in date order, leaving planted gaps and reusing planted duplicate numbers. */
function numberSlips(
  slips: Slip[], field: string, prefix: string, first: number, digits: number,
  opts: { gapsAfter?: Map<Slip, number>; duplicateOf?: Map<Slip, Slip> } = {},
): string[] {
  slips.sort((a, b) => (str(a.h.date) < str(b.h.date) ? -1 : str(a.h.date) > str(b.h.date) ? 1 : 0));
  const missing: string[] = [];
  let n = first;
  const fmt = (k: number): string => `${prefix}${String(k).padStart(digits, '0')}`;
  for (const s of slips) {
    const dupOf = opts.duplicateOf?.get(s);
    if (dupOf) continue;
    s.h[field] = fmt(n++);
    const gap = opts.gapsAfter?.get(s);
    if (gap) { for (let i = 0; i < gap; i++) missing.push(fmt(n++)); }
  }
  for (const [s, of] of opts.duplicateOf ?? []) s.h[field] = of.h[field];
  return missing;
}

const cents = (qty: number, price: number): number => qty * price;

// ================================================================ outbound

const rOut = mulberry32(1101);
type SaleType = 'normal' | 'retail' | 'after_sales';
const SALE_LABEL: Record<SaleType, readonly string[]> = {
  normal: ['经销', '批发', '普通销售', ''],
  retail: ['零星销售', '零售'],
  after_sales: ['售后服务', '以旧换新'],
};
const REMARKS = ['', '', '', '', '', '加急', '客户自提', '含运费', '分批发货', '合同号HT2025-0'];

function outboundLine(p: Product, qty: number, price: number, qc: string): Row {
  return {
    product_code: p.code, product_name: p.name, spec: p.spec, qty, unit_price: price,
    amount: cents(qty, price), qc_confirmed: qc,
  };
}

function makeOutbound(): Slip[] {
  const slips: Slip[] = [];
  for (const { date, slow } of WORK_DAYS) {
    const count = slow ? between(rOut, 1, 2) : between(rOut, 7, 10);
    for (let i = 0; i < count; i++) {
      const t = rOut();
      const saleType: SaleType = t < 0.83 ? 'normal' : t < 0.94 ? 'retail' : 'after_sales';
      const cust = oneOf(rOut, CUSTOMERS);
      const nLines = saleType === 'normal' ? between(rOut, 1, 6) : between(rOut, 1, 2);
      const products = new Set<Product>();
      while (products.size < nLines) products.add(oneOf(rOut, PRODUCTS));
      const lines = [...products].map((p) => {
        const pr = priceAt(p.code, date)!;
        const qty = saleType === 'retail' ? between(rOut, 1, 3)
          : p.family === 'valve' ? between(rOut, 2, 60) : between(rOut, 1, p.family === 'pump' ? 20 : 12);
        let price = 0;
        if (saleType === 'normal') price = pr.min + Math.round(((pr.std * 1.06 - pr.min) * rOut()) / 100) * 100;
        else if (saleType === 'retail') price = pr.std;
        return outboundLine(p, qty, Math.max(price, saleType === 'after_sales' ? 0 : pr.min), oneOf(rOut, QC_YES));
      });
      let settlement = '';
      let payment = '';
      let oldPart = '';
      if (saleType === 'normal') {
        const due = addMonths(date, 1);
        if (due < AS_OF) settlement = addDays(date, between(rOut, 3, diffDays(date, due)));
        else if (rOut() < 0.5) {
          const s = addDays(date, between(rOut, 3, 25));
          if (s <= AS_OF) settlement = s;
        }
        payment = settlement;
      } else if (saleType === 'retail') {
        payment = date; settlement = date;
      } else {
        const back = addDays(date, between(rOut, 0, 12));
        if (back <= eom(date) && (date < '2025-03-01' || rOut() < 0.5)) oldPart = back;
        else if (date < '2025-03-01') oldPart = eom(date);
      }
      slips.push(slip({
        slip_no: null, date, customer: saleType === 'retail' ? oneOf(rOut, RETAIL_CUSTOMERS) : cust.name,
        city: saleType === 'retail' ? '' : cust.city, remote: cust.remote && saleType !== 'retail' ? 'yes' : '',
        sale_type: saleType, sale_label: oneOf(rOut, SALE_LABEL[saleType]),
        salesperson: saleType === 'retail' ? '门市部' : oneOf(rOut, SALESPEOPLE),
        exit_pass_no: null, gm_approval: saleType === 'after_sales' ? GM : '',
        payment_date: payment, settlement_date: settlement, old_part_return_date: oldPart,
        remark: oneOf(rOut, REMARKS),
      }, lines));
    }
  }
  return slips;
}

const outbound = makeOutbound();
const pickOut = new Picker(outbound, mulberry32(1102));
const isType = (s: Slip, t: SaleType): boolean => s.h.sale_type === t;
const inRange = (s: Slip, lo: string, hi: string): boolean => str(s.h.date) >= lo && str(s.h.date) <= hi;
const normalClean = (lo: string, hi: string) => (s: Slip): boolean => isType(s, 'normal') && inRange(s, lo, hi);

/** Turns a slip into a single line of the given product and price (keeps it otherwise clean). */
function setSingleLine(s: Slip, p: Product, qty: number, price: number): Row {
  const line = outboundLine(p, qty, price, oneOf(rOut, QC_YES));
  s.lines = [line];
  return line;
}

// outbound.missing-qc
for (const qc of ['否', '', '×']) {
  const s = pickOut.take(normalClean('2025-01-02', AS_OF), 'missing-qc');
  s.lines[s.lines.length - 1].qc_confirmed = qc;
  plan('outbound.missing-qc').planted.push(keyOf(s));
}

// outbound.below-min-price (and the effective-date boundaries)
{
  const bm = plan('outbound.below-min-price');
  const s1 = pickOut.take(normalClean('2025-02-17', '2025-03-20'), 'below-min new price');
  setSingleLine(s1, CHANGED, 4, yuan(3000)); s1.h.gm_approval = '/';
  bm.planted.push(keyOf(s1));
  const s2 = pickOut.take(normalClean('2025-01-06', '2025-01-24'), 'below-min');
  setSingleLine(s2, P('CP2001'), 20, P('CP2001').min - yuan(30)); s2.h.gm_approval = '无';
  bm.planted.push(keyOf(s2));
  const s3 = pickOut.take((s) => isType(s, 'retail') && inRange(s, '2025-01-06', '2025-03-20'), 'below-min retail');
  setSingleLine(s3, P('CP2004'), 2, P('CP2004').min - yuan(8));
  bm.planted.push(keyOf(s3));
  const b1 = pickOut.take(normalClean('2025-01-06', '2025-03-20'), 'at min');
  setSingleLine(b1, P('CP2003'), 10, P('CP2003').min);
  bm.mustNotFire.push(keyOf(b1));
  const b2 = pickOut.take(normalClean('2025-01-06', '2025-03-20'), 'below min approved');
  setSingleLine(b2, P('CP3002'), 6, P('CP3002').min - yuan(120)); b2.h.gm_approval = GM;
  bm.mustNotFire.push(keyOf(b2));
  const b3 = pickOut.take(normalClean('2025-02-05', '2025-02-14'), 'old min still in force');
  setSingleLine(b3, CHANGED, 5, yuan(3000));
  bm.mustNotFire.push(keyOf(b3));
  const b4 = pickOut.take(normalClean('2025-01-06', '2025-03-20'), 'new min on its first day');
  b4.h.date = CHANGE_DATE;
  setSingleLine(b4, CHANGED, 3, CHANGED_NEW.min);
  b4.h.settlement_date = addDays(CHANGE_DATE, 20); b4.h.payment_date = b4.h.settlement_date;
  bm.mustNotFire.push(keyOf(b4));
}

// outbound.retail-unpaid
{
  const ru = plan('outbound.retail-unpaid');
  const s1 = pickOut.take((s) => isType(s, 'retail') && inRange(s, '2025-01-06', '2025-03-20'), 'retail unpaid');
  s1.h.payment_date = ''; s1.h.settlement_date = '';
  const s2 = pickOut.take((s) => isType(s, 'retail') && inRange(s, '2025-01-06', '2025-03-20'), 'retail paid late');
  s2.h.payment_date = addDays(str(s2.h.date), 6); s2.h.settlement_date = s2.h.payment_date;
  ru.planted.push(keyOf(s1), keyOf(s2));
  const b = pickOut.take((s) => isType(s, 'retail'), 'retail paid on the day');
  ru.mustNotFire.push(keyOf(b));
}

// outbound.after-sales-unapproved and outbound.old-part-not-returned
{
  const au = plan('outbound.after-sales-unapproved');
  for (const gm of ['无', '']) {
    const s = pickOut.take((x) => isType(x, 'after_sales') && inRange(x, '2025-03-01', '2025-03-25'), 'after-sales unapproved');
    s.h.gm_approval = gm;
    au.planted.push(keyOf(s));
  }
  const op = plan('outbound.old-part-not-returned');
  const late = pickOut.take((x) => isType(x, 'after_sales') && inRange(x, '2025-01-02', '2025-01-25'), 'old part back next month');
  late.h.old_part_return_date = '2025-02-12';
  const lost = pickOut.take((x) => isType(x, 'after_sales') && inRange(x, '2025-01-02', '2025-01-25'), 'old part never back');
  lost.h.old_part_return_date = '';
  const feb = pickOut.take((x) => isType(x, 'after_sales') && inRange(x, '2025-02-05', '2025-02-27'), 'old part open since Feb');
  feb.h.old_part_return_date = '';
  op.planted.push(keyOf(late), keyOf(lost), keyOf(feb));
  op.originalValue.push(keyOf(lost));
  const onEom = pickOut.take((x) => isType(x, 'after_sales') && inRange(x, '2025-01-02', '2025-01-27'), 'old part back on eom');
  onEom.h.old_part_return_date = eom(str(onEom.h.date));
  const march = pickOut.take((x) => isType(x, 'after_sales') && inRange(x, '2025-03-03', AS_OF), 'old part open in March');
  march.h.old_part_return_date = '';
  op.mustNotFire.push(keyOf(onEom), keyOf(march));
  au.mustNotFire.push(keyOf(onEom));
}

// outbound.unsettled (both tiers, the kept unreadable settlement date, the month-end clamp)
{
  const un = plan('outbound.unsettled');
  const late = pickOut.take(normalClean('2025-01-06', '2025-01-10'), 'settled late');
  late.h.settlement_date = addDays(str(late.h.date), 42); late.h.payment_date = late.h.settlement_date;
  un.planted.push(keyOf(late));
  const open = pickOut.take(normalClean('2025-01-02', '2025-01-10'), 'never settled');
  open.h.settlement_date = ''; open.h.payment_date = '';
  un.planted.push(keyOf(open)); un.critical.push(keyOf(open));
  const veryLate = pickOut.take(normalClean('2025-01-06', '2025-01-10'), 'settled after two months');
  veryLate.h.settlement_date = addDays(addMonths(str(veryLate.h.date), 2), 5); veryLate.h.payment_date = veryLate.h.settlement_date;
  un.planted.push(keyOf(veryLate)); un.critical.push(keyOf(veryLate));
  const febOpen = pickOut.take(normalClean('2025-02-05', '2025-02-14'), 'open since Feb');
  febOpen.h.settlement_date = ''; febOpen.h.payment_date = '';
  un.planted.push(keyOf(febOpen));
  // An optional date that cannot be read: kept with the field empty, so the rule sees it missing.
  const bad = pickOut.take(normalClean('2025-01-15', '2025-01-24'), 'unreadable settlement date');
  setSingleLine(bad, P('CP1005'), 3, P('CP1005').std);
  bad.h.settlement_date = ''; bad.h.payment_date = '';
  RAW.set(bad.lines[0], { settlement_date: '2025-02-30' });
  KEPT.set(bad.lines[0], 'settlement_date');
  un.planted.push(keyOf(bad)); un.critical.push(keyOf(bad));
  // Boundaries: settled exactly on date + 1 month, once with the month-end clamp (Jan 31 → Feb 28).
  const clamp = pickOut.take(normalClean('2025-01-20', '2025-01-27'), 'Jan 31 clamp');
  clamp.h.date = '2025-01-31'; clamp.h.settlement_date = '2025-02-28'; clamp.h.payment_date = '2025-02-28';
  const exact = pickOut.take(normalClean('2025-02-10', '2025-02-20'), 'settled on the day a month later');
  exact.h.settlement_date = addMonths(str(exact.h.date), 1); exact.h.payment_date = exact.h.settlement_date;
  const march = pickOut.take(normalClean('2025-03-03', AS_OF), 'March, open, not due');
  march.h.settlement_date = ''; march.h.payment_date = '';
  un.mustNotFire.push(keyOf(clamp), keyOf(exact), keyOf(march));
}

// slip.amount-mismatch (outbound part), with a one-cent boundary
{
  const am = plan('slip.amount-mismatch');
  const s = pickOut.take(normalClean('2025-01-06', AS_OF), 'amount typo');
  s.lines[0].amount = num(s.lines[0].amount)! + 10_000;
  am.planted.push(keyOf(s));
  const b = pickOut.take(normalClean('2025-01-06', AS_OF), 'one cent off');
  setSingleLine(b, P('CP2002'), 3, P('CP2002').std);
  b.lines[0].amount = num(b.lines[0].amount)! + 1;
  am.mustNotFire.push(keyOf(b));
}

// A line without a quantity: rejected; the rest of its slip is clean.
const outRejected = pickOut.take((s) => isType(s, 'normal') && s.lines.length >= 2 && inRange(s, '2025-01-06', AS_OF), 'rejected line');
REJECTED.add(outRejected.lines[1]);
RAW.set(outRejected.lines[1], { qty: '' });

// Gates: slips the guards let out without any pass.
const ungatedOut: Slip[] = [];
for (let i = 0; i < 3; i++) {
  const s = pickOut.take(normalClean('2025-01-06', '2025-03-25'), 'ungated');
  ungatedOut.push(s);
  plan('outbound.ungated').planted.push(keyOf(s));
}
/** Gated only through its exit_pass_no: the pass names a mistyped slip number. */
const gatedByPassNo = pickOut.take(normalClean('2025-01-06', '2025-03-25'), 'gated by pass no');
plan('outbound.ungated').mustNotFire.push(keyOf(gatedByPassNo));

// Numbering: one gap (a voided slip number) and one reused number on another day.
const outGapAfter = pickOut.take(normalClean('2025-02-18', '2025-02-22'), 'gap');
const outDup = pickOut.take(normalClean('2025-03-10', '2025-03-12'), 'duplicate');
const outDupOf = pickOut.take(normalClean('2025-03-07', '2025-03-08'), 'duplicate original');
const outMissing = numberSlips(outbound, 'slip_no', 'CK', 250001, 6, {
  gapsAfter: new Map([[outGapAfter, 1]]), duplicateOf: new Map([[outDup, outDupOf]]),
});
plan('slip.number-gap').planted.push(...outMissing);
plan('slip.duplicate-number').planted.push(keyOf(outDup));

// ================================================================ outsourced processing

const rOs = mulberry32(2201);
const PROCESSORS = [
  { name: '昆山华锐热处理厂', purpose: '调质热处理', fee: 12.5, mats: ['CL0201', 'CL0202'] },
  { name: '无锡金达电镀有限公司', purpose: '镀锌防腐', fee: 6.8, mats: ['CL0304', 'CL0104'] },
  { name: '常州恒通铸造厂', purpose: '粗加工', fee: 35, mats: ['CL0101', 'CL0103', 'CL0102'] },
];
const matByCode = new Map(MATERIALS.map((m) => [m.code, m]));

function makeIssues(): Slip[] {
  const out: Slip[] = [];
  for (const { date, slow } of WORK_DAYS) {
    if (slow) continue;
    for (let k = rOs() < 0.5 ? 2 : 1; k > 0; k--) {
    const pr = oneOf(rOs, PROCESSORS);
    const n = rOs() < 0.3 ? 2 : 1;
    const codes = [...new Set(Array.from({ length: n }, () => oneOf(rOs, pr.mats)))];
    out.push(slip({
      slip_no: null, date, processor: pr.name, purpose: pr.purpose,
      requester: oneOf(rOs, ['蒋涛', '韩雪']), issuer: oneOf(rOs, KEEPERS), approver: '钟建平', exit_pass_no: null,
      fee: yuan(pr.fee),
    }, codes.map((c) => {
      const m = matByCode.get(c)!;
      const qty = m.unit === '件' && m.price < 1000 ? between(rOs, 2, 12) * 10 : between(rOs, 10, 60);
      return {
        category: m.category, material_code: m.code, material_name: m.name, spec: m.spec, unit: m.unit,
        qty, unit_price: m.price, amount: cents(qty, m.price),
      };
    })));
    }
  }
  return out;
}
const issues = makeIssues();
const pickIss = new Picker(issues, mulberry32(2202));

/** How an issue line comes back; the default is "all back within the month". */
type ReturnPlan =
  | { kind: 'inMonth' } | { kind: 'open' } | { kind: 'partial' }
  | { kind: 'at'; parts: { date: string; share: number }[] };
const RETURN_PLAN = new Map<Row, ReturnPlan>();
/** Return rows to damage for the shortfall and price-breakdown rules. */
const RETURN_TWEAK = new Map<Row, 'scrap-no-comp' | 'no-material-fee' | 'price-mismatch'>();

{
  const na = (s: Slip): boolean => s.lines.length === 1;
  const inc = plan('outsource-issue.incomplete');
  const s1 = pickIss.take((s) => inRange(s, '2025-01-02', '2025-02-20'), 'incomplete');
  s1.lines[0].category = '';
  const s2 = pickIss.take((s) => inRange(s, '2025-01-02', '2025-03-20'), 'incomplete');
  s2.h.purpose = '';
  inc.planted.push(keyOf(s1), keyOf(s2));

  const sig = plan('outsource-issue.missing-signature');
  const s3 = pickIss.take(() => true, 'sig'); s3.h.approver = '待审';
  const s4 = pickIss.take(() => true, 'sig'); s4.h.requester = 'N/A';
  sig.planted.push(keyOf(s3), keyOf(s4));

  const am = plan('slip.amount-mismatch');
  const s5 = pickIss.take(() => true, 'amount'); s5.lines[0].amount = num(s5.lines[0].amount)! - 500;
  am.planted.push(keyOf(s5));

  // outsource.not-returned-in-month: back after month end but before the due date.
  const nm = plan('outsource.not-returned-in-month');
  const od = plan('outsource.overdue');
  const m1 = pickIss.take((s) => na(s) && inRange(s, '2025-02-05', '2025-02-20'), 'back in March');
  RETURN_PLAN.set(m1.lines[0], { kind: 'at', parts: [{ date: '2025-03-06', share: 1 }] });
  const m2 = pickIss.take((s) => na(s) && inRange(s, '2025-01-13', '2025-01-24'), 'back in Feb');
  RETURN_PLAN.set(m2.lines[0], { kind: 'at', parts: [{ date: '2025-01-27', share: 0.5 }, { date: '2025-02-14', share: 1 }] });
  // Boundary for overdue: the rest comes back exactly on the due date (still late for the month).
  const m3 = pickIss.take((s) => na(s) && inRange(s, '2025-01-13', '2025-01-24'), 'back on due date');
  RETURN_PLAN.set(m3.lines[0], { kind: 'at', parts: [{ date: addMonths(str(m3.h.date), 2), share: 1 }] });
  nm.planted.push(keyOf(m1), keyOf(m2), keyOf(m3));
  od.mustNotFire.push(keyOf(m3), keyOf(m2));
  // outsource.overdue: past issue date + 2 months and still short.
  const o1 = pickIss.take((s) => na(s) && inRange(s, '2025-01-06', '2025-01-20'), 'overdue partial');
  RETURN_PLAN.set(o1.lines[0], { kind: 'at', parts: [{ date: addDays(str(o1.h.date), 6), share: 0.6 }] });
  const o2 = pickIss.take((s) => na(s) && inRange(s, '2025-01-02', '2025-01-20'), 'overdue none');
  RETURN_PLAN.set(o2.lines[0], { kind: 'open' });
  od.planted.push(keyOf(o1), keyOf(o2));
  nm.mustNotFire.push(keyOf(o1), keyOf(o2));
  // March issues may still be out: not yet late.
  const mar = pickIss.take((s) => na(s) && inRange(s, '2025-03-03', '2025-03-20'), 'March open');
  RETURN_PLAN.set(mar.lines[0], { kind: 'open' });
  nm.mustNotFire.push(keyOf(mar)); od.mustNotFire.push(keyOf(mar));

  const sc = plan('outsource.shortfall-no-compensation');
  for (let i = 0; i < 2; i++) {
    const s = pickIss.take((x) => na(x) && inRange(x, '2025-01-02', '2025-03-10'), 'scrap no comp');
    RETURN_TWEAK.set(s.lines[0], 'scrap-no-comp');
    sc.planted.push(() => returnKeyFor(s.lines[0]));
  }
  const pb = plan('outsource.price-breakdown');
  for (const tweak of ['no-material-fee', 'price-mismatch'] as const) {
    const s = pickIss.take((x) => na(x) && inRange(x, '2025-01-02', '2025-03-10'), tweak);
    RETURN_TWEAK.set(s.lines[0], tweak);
    pb.planted.push(() => returnKeyFor(s.lines[0]));
  }

  const ug = plan('outsource-issue.ungated');
  for (let i = 0; i < 2; i++) ug.planted.push(keyOf(pickIss.take(() => true, 'ungated issue')));
}
numberSlips(issues, 'slip_no', 'WF', 250001, 6);

/** The return rows (one return slip per issue slip and day). */
const returns: Slip[] = [];
const RETURN_OF_LINE = new Map<Row, Slip>();
function returnKeyFor(line: Row): string { return str(RETURN_OF_LINE.get(line)!.h.slip_no); }
{
  const r = mulberry32(2203);
  const byKey = new Map<string, Slip>();
  const add = (iss: Slip, line: Row, date: string, qtyBack: number, scrap: number): Row => {
    const k = `${str(iss.h.slip_no)}|${date}`;
    let rs = byKey.get(k);
    if (!rs) {
      rs = slip({
        slip_no: null, date, issue_slip_no: iss.h.slip_no, processor: iss.h.processor,
        confirmation_letter: r() < 0.4 ? `HZ${date.slice(2, 4)}${date.slice(5, 7)}-${between(r, 10, 99)}` : '',
      }, []);
      byKey.set(k, rs); returns.push(rs);
    }
    const fee = num(iss.h.fee)!;
    const matFee = Math.round(num(line.unit_price)! * 0.02);
    const row: Row = {
      material_code: line.material_code, material_name: line.material_name, qty_returned: qtyBack,
      qty_scrapped: scrap, compensation_no: scrap > 0 ? `PC${date.slice(2, 4)}${date.slice(5, 7)}${between(r, 100, 999)}` : '',
      processing_fee: fee, material_fee: matFee, unit_price: fee + matFee,
    };
    rs.lines.push(row);
    return row;
  };
  for (const iss of issues) {
    for (const line of iss.lines) {
      const qty = num(line.qty)!;
      const date = str(iss.h.date);
      const p = RETURN_PLAN.get(line) ?? (date >= '2025-03-01' && r() < 0.35 ? { kind: 'partial' } : { kind: 'inMonth' });
      const tweak = RETURN_TWEAK.get(line);
      let rows: Row[] = [];
      if (p.kind === 'inMonth' || p.kind === 'partial') {
        const span = diffDays(date, minIso(eom(date), AS_OF));
        const split = p.kind === 'partial' ? Math.floor(qty / 2) : qty > 20 && r() < 0.5 ? Math.floor(qty / 2) : qty;
        const d1 = addDays(date, between(r, Math.min(2, span), span));
        const scrap = tweak === 'scrap-no-comp' || (r() < 0.08 && split > 5) ? 2 : 0;
        rows.push(add(iss, line, d1, split - scrap, scrap));
        if (p.kind === 'inMonth' && split < qty) rows.push(add(iss, line, addDays(d1, between(r, 0, diffDays(d1, minIso(eom(date), AS_OF)))), qty - split, 0));
      } else if (p.kind === 'at') {
        let done = 0;
        for (const part of p.parts) {
          const upto = Math.round(qty * part.share);
          rows.push(add(iss, line, part.date, upto - done, 0));
          done = upto;
        }
      }
      if (rows.length > 0) {
        RETURN_OF_LINE.set(line, returns.find((x) => x.lines.includes(rows[0]))!);
        if (tweak === 'scrap-no-comp') rows[0].compensation_no = '';
        if (tweak === 'no-material-fee') rows[0].material_fee = null;
        if (tweak === 'price-mismatch') rows[0].unit_price = num(rows[0].unit_price)! + 150;
      }
      rows = [];
    }
  }
  numberSlips(returns, 'slip_no', 'WR', 250001, 6);
}

// ================================================================ exit passes

const rPass = mulberry32(3301);
const passes: Slip[] = [];
const PASS_OF = new Map<Slip, Slip>();
const exitTime = (date: string): string => `${date} ${String(between(rPass, 8, 17)).padStart(2, '0')}:${String(between(rPass, 0, 59)).padStart(2, '0')}`;
function newPass(date: string, slipNo: V): Slip {
  const p = slip({ pass_no: null, date, slip_no: slipNo, issued_by: oneOf(rPass, PASS_ISSUERS), guard: oneOf(rPass, GUARDS), exit_time: exitTime(date) }, [{}]);
  passes.push(p);
  return p;
}
const ungatedIssueKeys = new Set(plan('outsource-issue.ungated').planted.map(resolveKey));
for (const s of [...outbound, ...issues]) {
  if (ungatedOut.includes(s) || ungatedIssueKeys.has(str(s.h.slip_no))) continue;
  PASS_OF.set(s, newPass(str(s.h.date), s.h.slip_no));
}
const pickPass = new Picker(passes, mulberry32(3302));
for (const s of [...PASS_OF.values()]) if (!outbound.some((o) => PASS_OF.get(o) === s)) pickPass.reserve(s);
{
  const orphan = plan('exit-pass.orphan');
  // A pass issued for the voided outbound number.
  const voidedDate = str(outGapAfter.h.date);
  const o1 = newPass(voidedDate, outMissing[0]);
  pickPass.reserve(o1);
  orphan.planted.push(keyOf(o1, 'pass_no'));
  // A pass whose slip number is mistyped (letter O for zero); the slip still names the pass.
  const typo = PASS_OF.get(gatedByPassNo)!;
  typo.h.slip_no = str(gatedByPassNo.h.slip_no).replace(/0/, 'O');
  pickPass.reserve(typo);
  orphan.planted.push(keyOf(typo, 'pass_no'));

  const iae = plan('exit-pass.issued-after-exit');
  for (let i = 0; i < 2; i++) {
    const p = pickPass.take((x) => str(x.h.date) > '2025-01-05', 'issued after exit');
    p.h.exit_time = `${addDays(str(p.h.date), -1)} 17:${String(between(rPass, 10, 50))}`;
    iae.planted.push(keyOf(p, 'pass_no'));
  }
  const early = pickPass.take(() => true, 'early exit same day');
  early.h.exit_time = `${str(early.h.date)} 07:50`;
  iae.mustNotFire.push(keyOf(early, 'pass_no'));
}
const passGapAfter = pickPass.take((x) => inRange(x, '2025-02-10', '2025-02-20'), 'pass gap');
const passDup = pickPass.take((x) => inRange(x, '2025-03-18', '2025-03-19'), 'pass dup');
const passDupOf = pickPass.take((x) => inRange(x, '2025-03-14', '2025-03-15'), 'pass dup original');
const passMissing = numberSlips(passes, 'pass_no', 'CM', 250001, 6, {
  gapsAfter: new Map([[passGapAfter, 1]]), duplicateOf: new Map([[passDup, passDupOf]]),
});
plan('slip.number-gap').planted.push(...passMissing);
plan('slip.duplicate-number').planted.push(keyOf(passDup, 'pass_no'));
{
  const r = mulberry32(3303);
  for (const [s, p] of PASS_OF) if (r() < 0.9 || s === gatedByPassNo) s.h.exit_pass_no = p.h.pass_no;
  // One ungated slip names a pass number that was voided and never issued.
  ungatedOut[0].h.exit_pass_no = passMissing[0];
}

// ================================================================ shipments

const rShip = mulberry32(4401);
const shipments: Slip[] = [];
const CARRIERS = ['德邦物流', '顺丰快运', '中通快运', '安能物流'];
for (const s of outbound) {
  if (!isType(s, 'normal') || rShip() > 0.45 || s === outDup) continue;
  const remote = s.h.remote === 'yes';
  const ship = str(s.h.date);
  const deliveredOn = addDays(ship, remote ? between(rShip, 4, 8) : between(rShip, 1, 3));
  const damaged = rShip() < 0.03;
  shipments.push(slip({
    shipment_no: null, date: ship, outbound_no: s.h.slip_no, ready_date: ship, ship_date: ship, carrier: oneOf(rShip, CARRIERS),
    destination: str(s.h.city), remote: remote ? oneOf(rShip, ['是', 'Y']) : oneOf(rShip, ['否', '']),
    delivered_date: deliveredOn <= AS_OF ? deliveredOn : '', damage: damaged ? '是' : '',
    claim_no: damaged ? `PF${ship.slice(2, 4)}${ship.slice(5, 7)}${between(rShip, 10, 99)}` : '',
    reship_no: damaged ? `BF${ship.slice(2, 4)}${ship.slice(5, 7)}${between(rShip, 10, 99)}` : '',
  }, [{}]));
}
{
  const pk = new Picker(shipments, mulberry32(4402));
  const nonRemote = (x: Slip): boolean => !['是', 'Y'].includes(str(x.h.remote));
  const nsd = plan('shipment.not-same-day');
  for (const k of [2, 1]) {
    const s = pk.take((x) => nonRemote(x) && inRange(x, '2025-01-06', '2025-03-20'), 'not same day');
    s.h.ready_date = addDays(str(s.h.ship_date), -k);
    nsd.planted.push(keyOf(s, 'shipment_no'));
  }
  const ld = plan('shipment.late-delivery');
  const l1 = pk.take((x) => nonRemote(x) && inRange(x, '2025-01-06', '2025-03-20'), 'late');
  l1.h.delivered_date = addDays(str(l1.h.ship_date), 5);
  const l2 = pk.take((x) => nonRemote(x) && inRange(x, '2025-03-17', '2025-03-22'), 'lost in transit');
  l2.h.delivered_date = '';
  ld.planted.push(keyOf(l1, 'shipment_no'), keyOf(l2, 'shipment_no'));
  const b1 = pk.take((x) => nonRemote(x) && inRange(x, '2025-01-06', '2025-03-20'), 'exactly 3 days');
  b1.h.delivered_date = addDays(str(b1.h.ship_date), 3);
  const b2 = pk.take((x) => !nonRemote(x) && inRange(x, '2025-01-06', '2025-03-20'), 'remote slow');
  b2.h.delivered_date = addDays(str(b2.h.ship_date), 7);
  const b3 = pk.take((x) => nonRemote(x) && str(x.h.ship_date) === '2025-03-28', 'in transit, 3 days');
  b3.h.delivered_date = '';
  ld.mustNotFire.push(keyOf(b1, 'shipment_no'), keyOf(b2, 'shipment_no'), keyOf(b3, 'shipment_no'));
  const du = plan('shipment.damage-unresolved');
  const d1 = pk.take((x) => inRange(x, '2025-01-06', '2025-03-20') && x.h.damage === '', 'damage claim only');
  Object.assign(d1.h, { damage: '有', claim_no: 'PF2501-77', reship_no: '' });
  const d2 = pk.take((x) => inRange(x, '2025-01-06', '2025-03-20') && x.h.damage === '', 'damage nothing');
  Object.assign(d2.h, { damage: '是', claim_no: '', reship_no: '/' });
  du.planted.push(keyOf(d1, 'shipment_no'), keyOf(d2, 'shipment_no'));
  const d3 = pk.take((x) => x.h.damage === '是' && x.h.claim_no !== '', 'damage resolved');
  du.mustNotFire.push(keyOf(d3, 'shipment_no'));
}
numberSlips(shipments, 'shipment_no', 'YD', 250001, 6);

// ================================================================ finished-goods receipts

const rFg = mulberry32(5501);
const fgReceipts: Slip[] = [];
for (const { date, slow } of WORK_DAYS) {
  if (slow) continue;
  for (const ws of WORKSHOPS) {
    if (rFg() < 0.25) continue;
    const fam = PRODUCTS.filter((p) => p.family === ws.family);
    const chosen = [...new Set(Array.from({ length: between(rFg, 1, 3) }, () => oneOf(rFg, fam)))];
    fgReceipts.push(slip({
      slip_no: null, date, workshop: ws.name, clerk: ws.clerk, director_sign: ws.director,
      inspection_stamp: oneOf(rFg, STAMP_YES), keeper: oneOf(rFg, KEEPERS),
    }, chosen.map((p) => {
      const qty = p.family === 'valve' ? between(rFg, 10, 80) : between(rFg, 2, 20);
      const price = priceAt(p.code, date)!.std;
      return {
        drawing_no: `HD-${p.code}-00`, product_code: p.code, product_name: p.name, spec: p.spec,
        qty, unit_price: price, amount: cents(qty, price), labor_hours: Math.round(p.hours * qty * 10) / 10,
      };
    })));
  }
}
{
  const pk = new Picker(fgReceipts, mulberry32(5502));
  const inc = plan('fg-receipt.incomplete');
  const i1 = pk.take(() => true, 'no drawing'); i1.lines[0].drawing_no = '';
  const i2 = pk.take(() => true, 'no hours'); i2.lines[i2.lines.length - 1].labor_hours = null;
  inc.planted.push(keyOf(i1), keyOf(i2));
  const sig = plan('fg-receipt.missing-signature');
  const g1 = pk.take((x) => x.h.workshop !== '三车间', 'director'); g1.h.director_sign = '/';
  const g2 = pk.take(() => true, 'stamp'); g2.h.inspection_stamp = '未盖章';
  const g3 = pk.take(() => true, 'keeper'); g3.h.keeper = '待签';
  sig.planted.push(keyOf(g1), keyOf(g2), keyOf(g3));
  sig.mustNotFire.push(keyOf(pk.take((x) => x.h.workshop === '三车间', 'director 徐无咎')));
  const ps = plan('fg-receipt.price-not-standard');
  const pump = (x: Slip): boolean => x.h.workshop === '一车间';
  const setOne = (s: Slip, p: Product, price: number): void => {
    const qty = 8;
    s.lines = [{ drawing_no: `HD-${p.code}-00`, product_code: p.code, product_name: p.name, spec: p.spec, qty, unit_price: price, amount: cents(qty, price), labor_hours: p.hours * qty }];
  };
  const p1 = pk.take((x) => pump(x) && inRange(x, '2025-02-17', '2025-03-20'), 'old std after change');
  setOne(p1, CHANGED, CHANGED.std);
  const p2 = pk.take((x) => pump(x) && inRange(x, '2025-01-06', '2025-03-20'), 'std +50');
  setOne(p2, P('CP1004'), P('CP1004').std + yuan(50));
  ps.planted.push(keyOf(p1), keyOf(p2));
  const q1 = pk.take((x) => pump(x) && inRange(x, '2025-02-05', '2025-02-14'), 'old std before change');
  setOne(q1, CHANGED, CHANGED.std);
  const q2 = pk.take((x) => pump(x) && inRange(x, '2025-02-05', '2025-03-20'), 'new std on change day');
  q2.h.date = CHANGE_DATE; setOne(q2, CHANGED, CHANGED_NEW.std);
  const q3 = pk.take((x) => x.h.workshop === '三车间', 'undated price row');
  setOne(q3, UNDATED, UNDATED.std);
  ps.mustNotFire.push(keyOf(q1), keyOf(q2), keyOf(q3));
  const am = pk.take(() => true, 'amount');
  am.lines[0].amount = num(am.lines[0].amount)! + 2_000;
  plan('slip.amount-mismatch').planted.push(keyOf(am));
}
numberSlips(fgReceipts, 'slip_no', 'RK', 250001, 6);

// ================================================================ purchase receipts

const rPu = mulberry32(6601);
const purchases: Slip[] = [];
const INSPECTORS = ['郭敏', '唐亮'];
let inspSeq = 1;
const purchaseLine = (m: Material, qty: number, price = m.price): Row => ({
  category: m.category, material_code: m.code, material_name: m.name, spec: m.spec, qty, unit_price: price, amount: cents(qty, price),
});
const bySupplier = new Map<string, Material[]>();
for (const m of MATERIALS) bySupplier.set(m.supplier, [...(bySupplier.get(m.supplier) ?? []), m]);
const SUPPLIERS = [...bySupplier.keys()];
function purchaseHead(date: string, supplier: string, provisional: boolean): Row {
  return {
    slip_no: null, date, supplier, invoice_no: provisional ? '' : String(between(rPu, 10_000_000, 99_999_999)),
    inspection_no: `YS${date.slice(2, 4)}${date.slice(5, 7)}${String(inspSeq++).padStart(3, '0')}`,
    inspector: oneOf(rPu, INSPECTORS), provisional: provisional ? '是' : oneOf(rPu, ['否', '']), reverses_slip_no: '', keeper: oneOf(rPu, KEEPERS),
  };
}
for (const { date, slow } of WORK_DAYS) {
  if (slow) continue;
  for (let i = between(rPu, 1, 5); i > 0; i--) {
    const sup = oneOf(rPu, SUPPLIERS);
    const mats = [...new Set(Array.from({ length: between(rPu, 1, 3) }, () => oneOf(rPu, bySupplier.get(sup)!)))];
    const provisional = rPu() < 0.08;
    purchases.push(slip(purchaseHead(date, sup, provisional), mats.map((m) => purchaseLine(m, m.unit === 'kg' ? between(rPu, 20, 60) * 10 : between(rPu, 2, 40) * 10))));
  }
}
/** A red reversal of S: every line negated; dated early next month. */
function reversal(s: Slip, date: string, price?: (l: Row) => number): Slip {
  const h = { ...purchaseHead(date, str(s.h.supplier), false), inspection_no: '', inspector: '', invoice_no: '', provisional: '', reverses_slip_no: null as V };
  const red = slip(h, s.lines.map((l) => {
    const p = price ? price(l) : num(l.unit_price)!;
    return { ...l, qty: -num(l.qty)!, unit_price: p, amount: cents(-num(l.qty)!, p) };
  }));
  REVERSES.set(red, s);
  return red;
}
const REVERSES = new Map<Slip, Slip>();
const pkPu = new Picker(purchases, mulberry32(6602));
{
  const pk = pkPu;
  const po = plan('purchase.provisional-open');
  const rm = plan('purchase.reversal-mismatch');
  const mi = plan('purchase.missing-inspection');
  const prov = (lo: string, hi: string) => (x: Slip): boolean => x.h.provisional === '是' && inRange(x, lo, hi);
  const open1 = pk.take(prov('2025-01-02', '2025-01-31'), 'open Jan');
  const open2 = pk.take(prov('2025-02-01', '2025-02-25'), 'open Feb');
  po.planted.push(keyOf(open1), keyOf(open2));
  const mar1 = pk.take(prov('2025-03-03', '2025-03-20'), 'March provisional');
  mar1.h.date = '2025-03-01';
  po.mustNotFire.push(keyOf(mar1));
  for (const s of purchases.filter(prov('2025-03-02', AS_OF))) pk.reserve(s);
  const extra: Slip[] = [];
  // Every other provisional receipt older than 30 days is reversed and re-received with the invoice.
  const mismatch = pk.take(prov('2025-01-02', '2025-02-25'), 'reversal with wrong amount');
  for (const s of purchases.filter(prov('2025-01-02', '2025-02-28'))) {
    if (s === open1 || s === open2) continue;
    pk.reserve(s);
    const when = addDays(eom(str(s.h.date)), between(rPu, 1, 5));
    const red = reversal(s, when, s === mismatch ? (l) => num(l.unit_price)! - 100 : undefined);
    const blue = slip(purchaseHead(when, str(s.h.supplier), false), s.lines.map((l) => ({ ...l })));
    extra.push(red, blue);
    if (s === mismatch) rm.planted.push(keyOf(red));
    else rm.mustNotFire.push(keyOf(red));
    mi.mustNotFire.push(keyOf(red));
  }
  const notProv = pk.take((x) => x.h.provisional !== '是' && inRange(x, '2025-01-06', '2025-03-10'), 'reversal of a normal receipt');
  const red2 = reversal(notProv, addDays(str(notProv.h.date), 9));
  extra.push(red2);
  rm.planted.push(keyOf(red2));
  // A January reversal of a December provisional receipt that is not in the data.
  const december = slip({ slip_no: 'CG241187', supplier: MATERIALS[7].supplier }, [purchaseLine(MATERIALS[7], 40)]);
  const decRed = reversal(december, '2025-01-03');
  extra.push(decRed);
  rm.mustNotFire.push(keyOf(decRed)); mi.mustNotFire.push(keyOf(decRed));
  const m1 = pk.take((x) => x.h.provisional !== '是', 'no inspection no'); m1.h.inspection_no = '';
  const m2 = pk.take((x) => x.h.provisional !== '是', 'no inspector'); m2.h.inspector = '-';
  mi.planted.push(keyOf(m1), keyOf(m2));
  const am = pk.take((x) => x.h.provisional !== '是', 'amount');
  am.lines[0].amount = num(am.lines[0].amount)! + 900;
  plan('slip.amount-mismatch').planted.push(keyOf(am));
  purchases.push(...extra);
}
const puDupSlip = pkPu.take((x) => x.h.provisional !== '是' && !REVERSES.has(x) && inRange(x, '2025-02-10', '2025-02-20'), 'dup');
const puDupOf = pkPu.take((x) => x.h.provisional !== '是' && !REVERSES.has(x) && inRange(x, '2025-02-05', '2025-02-08'), 'dup of');
const puRejectSlip = pkPu.take((x) => x.h.provisional !== '是' && !REVERSES.has(x) && x.lines.length >= 2 && str(x.h.date) > '2025-01-10', 'rejected date');
numberSlips(purchases, 'slip_no', 'CG', 250001, 6, { duplicateOf: new Map([[puDupSlip, puDupOf]]) });
plan('slip.duplicate-number').planted.push(keyOf(puDupSlip));
for (const [red, of] of REVERSES) red.h.reverses_slip_no = of.h.slip_no;
REJECTED.add(puRejectSlip.lines[1]);
RAW.set(puRejectSlip.lines[1], { date: '2025.02.30' });

// ================================================================ requisitions

const rRq = mulberry32(7701);
const requisitions: Slip[] = [];
const DEPTS = [
  { name: '一车间', approver: '张卫国' }, { name: '二车间', approver: '李明辉' },
  { name: '三车间', approver: '徐无咎' }, { name: '装配车间', approver: '钟建平' },
];
let taskSeq = 1;
for (const { date, slow } of WORK_DAYS) {
  if (slow) continue;
  for (let i = between(rRq, 2, 5); i > 0; i--) {
    const d = oneOf(rRq, DEPTS);
    const mats = [...new Set(Array.from({ length: between(rRq, 1, 3) }, () => oneOf(rRq, MATERIALS)))];
    requisitions.push(slip({
      slip_no: null, date, department: d.name, purpose: `SC${date.slice(2, 4)}${date.slice(5, 7)}-${String(taskSeq++ % 1000).padStart(3, '0')}`,
      requester: oneOf(rRq, ['蒋涛', '韩雪', '冯刚', '邓丽华']), issuer: oneOf(rRq, KEEPERS), approver: d.approver,
    }, mats.map((m) => {
      const qty = m.unit === 'kg' ? between(rRq, 5, 80) : between(rRq, 1, 30);
      return { material_code: m.code, material_name: m.name, spec: m.spec, qty, unit_price: m.price, amount: cents(qty, m.price) };
    })));
  }
}
let rqGapMissing: string[] = [];
{
  const pk = new Picker(requisitions, mulberry32(7702));
  const ma = plan('requisition.missing-approval');
  const a1 = pk.take(() => true, 'approver'); a1.h.approver = '无';
  const a2 = pk.take(() => true, 'approver'); a2.h.approver = '';
  ma.planted.push(keyOf(a1), keyOf(a2));
  const mp = plan('requisition.missing-purpose');
  const u1 = pk.take(() => true, 'purpose'); u1.h.purpose = '';
  const u2 = pk.take(() => true, 'purpose'); u2.h.purpose = ' ';
  mp.planted.push(keyOf(u1), keyOf(u2));
  const am = pk.take(() => true, 'amount');
  am.lines[0].amount = num(am.lines[0].amount)! - 1_000;
  plan('slip.amount-mismatch').planted.push(keyOf(am));
  // A voided book of 60 numbers: one finding keyed by its first missing number.
  const gap = pk.take((x) => inRange(x, '2025-02-10', '2025-02-20'), 'gap');
  rqGapMissing = numberSlips(requisitions, 'slip_no', 'LL', 250001, 6, { gapsAfter: new Map([[gap, 60]]) });
  plan('slip.number-gap').planted.push(rqGapMissing[0]);
}

// ================================================================ sales returns

const rSr = mulberry32(8801);
const salesReturns: Slip[] = [];
{
  const candidates = outbound.filter((s) => isType(s, 'normal') && !pickOut.isUsed(s));
  for (let i = 0; i < 160; i++) {
    const o = candidates[Math.floor(rSr() * candidates.length)];
    const date = addDays(str(o.h.date), between(rSr, 3, 30));
    if (date > AS_OF) { i--; continue; }
    const back = addDays(date, -between(rSr, 0, 6));
    const goodsBack = back.slice(0, 7) === date.slice(0, 7) ? back : date.slice(0, 8) + '01';
    const line = o.lines[0];
    const quality = rSr() < 0.6;
    const qty = Math.max(1, Math.floor(num(line.qty)! / 3));
    salesReturns.push(slip({
      slip_no: null, date, goods_back_date: goodsBack, customer: o.h.customer, product_name: line.product_name,
      qty, amount: cents(qty, num(line.unit_price)!), reason_type: quality ? oneOf(rSr, ['质量问题', '质量']) : oneOf(rSr, ['调换货', '非质量']),
      application_no: `TSQ${date.slice(2, 4)}${date.slice(5, 7)}${String(i + 1).padStart(3, '0')}`,
      marketing_approval: quality ? '' : '冯晓燕', qc_sign: '郭敏', original_outbound_no: o.h.slip_no,
      warehouse: oneOf(rSr, ['成品库', '退货库']), disposition: quality ? oneOf(rSr, ['不合格', '不合格品', '合格']) : '合格',
    }, [{}]));
  }
  const pk = new Picker(salesReturns, mulberry32(8802));
  const na = plan('sales-return.no-application');
  const n1 = pk.take(() => true, 'no app'); n1.h.application_no = '';
  const n2 = pk.take(() => true, 'no app'); n2.h.application_no = '';
  na.planted.push(keyOf(n1), keyOf(n2));
  const bu = plan('sales-return.business-unapproved');
  const business = (x: Slip): boolean => ['调换货', '非质量'].includes(str(x.h.reason_type));
  const b1 = pk.take(business, 'biz'); b1.h.marketing_approval = '无';
  const b2 = pk.take(business, 'biz'); b2.h.marketing_approval = '';
  bu.planted.push(keyOf(b1), keyOf(b2));
  bu.mustNotFire.push(keyOf(pk.take((x) => !business(x), 'quality without marketing')));
  const mq = plan('sales-return.missing-qc');
  const q1 = pk.take(() => true, 'qc'); q1.h.qc_sign = '未签';
  const q2 = pk.take(() => true, 'qc'); q2.h.qc_sign = '—';
  mq.planted.push(keyOf(q1), keyOf(q2));
  const lp = plan('sales-return.late-processing');
  const l1 = pk.take((x) => inRange(x, '2025-02-01', '2025-02-12'), 'late'); l1.h.goods_back_date = '2025-01-27';
  const l2 = pk.take((x) => inRange(x, '2025-03-01', '2025-03-12'), 'late'); l2.h.goods_back_date = '2025-02-26';
  lp.planted.push(keyOf(l1), keyOf(l2));
  const lb = pk.take((x) => inRange(x, '2025-01-10', '2025-01-30'), 'on eom');
  lb.h.goods_back_date = '2025-01-20'; lb.h.date = '2025-01-31';
  lp.mustNotFire.push(keyOf(lb));
  const nd = plan('sales-return.no-disposition');
  const d1 = pk.take(() => true, 'disp'); d1.h.disposition = '';
  const d2 = pk.take(() => true, 'disp'); d2.h.disposition = '';
  nd.planted.push(keyOf(d1), keyOf(d2));
  const gap = pk.take((x) => inRange(x, '2025-02-15', '2025-03-10'), 'gap');
  plan('slip.number-gap').planted.push(...numberSlips(salesReturns, 'slip_no', 'TH', 250001, 6, { gapsAfter: new Map([[gap, 2]]) }));
}

// ================================================================ stock counts

const rSc = mulberry32(9901);
const stockCounts: Slip[] = [];
{
  const items = [
    ...PRODUCTS.map((p) => ({ code: p.code, name: `${p.name} ${p.spec}`, wh: '成品库', decimals: false })),
    ...MATERIALS.map((m) => ({ code: m.code, name: `${m.name} ${m.spec}`, wh: m.category === '原材料' ? '原材料库' : '配件库', decimals: m.unit === 'kg' })),
  ];
  const mismatch = new Map<string, { month: string; kind: 'physical' | 'card' }>([
    ['CP2004', { month: '2025-02-28', kind: 'physical' }],
    ['CL0304', { month: '2025-03-31', kind: 'physical' }],
    ['CL0302', { month: '2025-01-31', kind: 'card' }],
  ]);
  for (const day of ['2025-01-31', '2025-02-28', '2025-03-31']) {
    for (const it of items) {
      const ledger = it.decimals ? (between(rSc, 0, 90000) + 5000) / 100 : between(rSc, 5, 400);
      const m = mismatch.get(it.code);
      let physical: number = ledger;
      let card: number | null = rSc() < 0.15 ? null : ledger;
      if (m?.month === day && m.kind === 'physical') physical = ledger - between(rSc, 1, 5);
      if (m?.month === day && m.kind === 'card') card = ledger + 2;
      stockCounts.push(slip({ date: day, count_date: day, warehouse: it.wh, item_code: it.code, item_name: it.name, ledger_qty: ledger, card_qty: card, physical_qty: physical }, [{}]));
    }
  }
  const sm = plan('stock.count-mismatch');
  sm.planted.push(...mismatch.keys());
  // A card left blank, and a decimal written two ways (12.50 vs 12.5): both clean.
  const blank = stockCounts.find((s) => s.h.item_code === 'CP1006')!;
  blank.h.card_qty = null;
  const dec = stockCounts.find((s) => s.h.item_code === 'CL0401' && s.h.count_date === '2025-03-31')!;
  Object.assign(dec.h, { ledger_qty: 12.5, card_qty: 12.5, physical_qty: 12.5 });
  RAW.set(dec.lines[0], { ledger_qty: '12.50', physical_qty: '12.5', card_qty: '12.500' });
  sm.mustNotFire.push('CP1006', 'CL0401');
}

// ================================================================ service calls

const rCall = mulberry32(10_101);
const calls: Slip[] = [];
const TOPICS = ['咨询IS80泵价格', '电机异响', '阀门渗漏', '催发货', '索要发票', '安装指导', '配件咨询', '退换货咨询', '账款核对'];
{
  let seq = 1;
  for (const { date, slow } of WORK_DAYS) {
    for (let i = slow ? 1 : between(rCall, 4, 9); i > 0; i--) {
      const t = `${date} ${String(between(rCall, 8, 17)).padStart(2, '0')}:${String(between(rCall, 0, 59)).padStart(2, '0')}:${String(between(rCall, 0, 59)).padStart(2, '0')}`;
      const resolved = rCall() < 0.8;
      const replyBy = addDays(date, between(rCall, 0, 1));
      calls.push(slip({
        call_id: null, date, start_time: t, agent_id: oneOf(rCall, ['1003', '1007', '1012', '1015']), rings: between(rCall, 1, 3),
        duration_sec: between(rCall, 25, 290), customer: oneOf(rCall, CUSTOMERS).name, topic: oneOf(rCall, TOPICS),
        resolved: resolved ? 'Y' : 'N', reply_date: resolved || replyBy > AS_OF ? '' : replyBy,
      }, [{}]));
    }
  }
  calls.sort((a, b) => (str(a.h.start_time) < str(b.h.start_time) ? -1 : 1));
  for (const c of calls) c.h.call_id = `KF${String(seq++).padStart(5, '0')}`;
  const pk = new Picker(calls, mulberry32(10_102));
  const sa = plan('service.slow-answer');
  for (const rings of [5, 4]) { const c = pk.take(() => true, 'rings'); c.h.rings = rings; sa.planted.push(keyOf(c, 'call_id')); }
  const three = pk.take(() => true, 'rings 3'); three.h.rings = 3; sa.mustNotFire.push(keyOf(three, 'call_id'));
  const lc = plan('service.long-call');
  const c1 = pk.take(() => true, 'long'); c1.h.duration_sec = 420;
  const c2 = pk.take(() => true, 'long mm:ss'); c2.h.duration_sec = 375; RAW.set(c2.lines[0], { duration_sec: '6:15' });
  lc.planted.push(keyOf(c1, 'call_id'), keyOf(c2, 'call_id'));
  const c3 = pk.take(() => true, '300'); c3.h.duration_sec = 300; RAW.set(c3.lines[0], { duration_sec: '5:00' });
  lc.mustNotFire.push(keyOf(c3, 'call_id'));
  const lf = plan('service.late-feedback');
  const f1 = pk.take((x) => inRange(x, '2025-01-06', '2025-03-20'), 'reply late');
  Object.assign(f1.h, { resolved: 'N', reply_date: addDays(str(f1.h.date), 3) });
  const f2 = pk.take((x) => inRange(x, '2025-03-10', '2025-03-14'), 'never replied');
  Object.assign(f2.h, { resolved: '', reply_date: '' });
  lf.planted.push(keyOf(f1, 'call_id'), keyOf(f2, 'call_id'));
  const g1 = pk.take((x) => inRange(x, '2025-01-06', '2025-03-20'), 'reply next day');
  Object.assign(g1.h, { resolved: 'N', reply_date: addDays(str(g1.h.date), 1) });
  // The last call of Saturday 29 March, moved to the Sunday hotline: next day = as-of, not yet late.
  const g2 = calls.filter((x) => str(x.h.date) === '2025-03-29').at(-1)!;
  pk.reserve(g2);
  Object.assign(g2.h, { date: '2025-03-30', start_time: `2025-03-30${str(g2.h.start_time).slice(10)}`, resolved: 'N', reply_date: '' });
  lf.mustNotFire.push(keyOf(g1, 'call_id'), keyOf(g2, 'call_id'));
}


// ================================================================ reference evaluation of RULES.md

const PLACEHOLDERS = new Set(['', '-', '—', '/', '无', 'n/a', 'na', 'null', '未签', '待签', '待审']);
const YES = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '已', '有', '已盖章', '合格', '已确认', '已审核', '已回签']);
const sigMissing = (v: V): boolean => PLACEHOLDERS.has(str(v).trim().toLowerCase());
const isYes = (v: V): boolean => YES.has(str(v).trim().toLowerCase());
const textMissing = (v: V): boolean => str(v).trim() === '';
const BUSINESS = new Set(['经营', '经营问题', '非质量', '调换货']);

interface Evaluation { keys: Map<string, Set<string>>; critical: Map<string, Set<string>>; originalValue: Set<string> }

/** Evaluates every rule over the loaded rows, the way RULES.md words it, keyed as its findings are. */
function evaluate(): Evaluation {
  const keys = new Map<string, Set<string>>();
  const critical = new Map<string, Set<string>>();
  const originalValue = new Set<string>();
  const fire = (rule: string, key: V): void => {
    if (!keys.has(rule)) keys.set(rule, new Set());
    keys.get(rule)!.add(str(key));
  };
  const out = rowsOf(outbound);
  const pass = rowsOf(passes);
  const iss = rowsOf(issues);
  const ret = rowsOf(returns);
  const fg = rowsOf(fgReceipts);
  const pu = rowsOf(purchases);
  const rq = rowsOf(requisitions);
  const sr = rowsOf(salesReturns);

  for (const r of fg) {
    if (['workshop', 'drawing_no', 'product_name', 'spec'].some((f) => textMissing(r[f]))
      || ['qty', 'unit_price', 'amount', 'labor_hours'].some((f) => r[f] === null)) fire('fg-receipt.incomplete', r.slip_no);
    if (sigMissing(r.director_sign) || !isYes(r.inspection_stamp) || sigMissing(r.keeper)) fire('fg-receipt.missing-signature', r.slip_no);
    const pr = priceAt(str(r.product_code), str(r.date));
    if (pr && r.unit_price !== null && r.unit_price !== pr.std) fire('fg-receipt.price-not-standard', r.slip_no);
  }
  for (const r of [...fg, ...out, ...iss, ...pu, ...rq]) {
    const q = num(r.qty); const p = num(r.unit_price); const a = num(r.amount);
    if (q !== null && p !== null && a !== null && Math.abs(q * p - a) > 1) fire('slip.amount-mismatch', r.slip_no);
  }
  const gated = (rows: Row[], rule: string): void => {
    for (const r of rows) {
      const bySlip = pass.some((p) => p.slip_no === r.slip_no);
      const byNo = !textMissing(r.exit_pass_no) && pass.some((p) => p.pass_no === r.exit_pass_no);
      if (!bySlip && !byNo) fire(rule, r.slip_no);
    }
  };
  gated(out, 'outbound.ungated');
  gated(iss, 'outsource-issue.ungated');
  for (const r of out) {
    const date = str(r.date);
    if (!isYes(r.qc_confirmed)) fire('outbound.missing-qc', r.slip_no);
    const pr = priceAt(str(r.product_code), date);
    if (r.sale_type !== 'after_sales' && pr && num(r.unit_price)! < pr.min && sigMissing(r.gm_approval)) fire('outbound.below-min-price', r.slip_no);
    if (r.sale_type === 'retail' && (textMissing(r.payment_date) || str(r.payment_date) > date)) fire('outbound.retail-unpaid', r.slip_no);
    if (r.sale_type === 'after_sales') {
      if (sigMissing(r.gm_approval)) fire('outbound.after-sales-unapproved', r.slip_no);
      const back = str(r.old_part_return_date);
      if (eom(date) < AS_OF && (back === '' || back > eom(date))) {
        fire('outbound.old-part-not-returned', r.slip_no);
        const later = eom(addMonths(date, 1));
        if (later < AS_OF && (back === '' || back > later)) originalValue.add(str(r.slip_no));
      }
    }
    if (r.sale_type === 'normal') {
      const settled = str(r.settlement_date);
      const d1 = addMonths(date, 1); const d2 = addMonths(date, 2);
      if (d1 < AS_OF && (settled === '' || settled > d1)) {
        fire('outbound.unsettled', r.slip_no);
        if (d2 < AS_OF && (settled === '' || settled > d2)) {
          if (!critical.has('outbound.unsettled')) critical.set('outbound.unsettled', new Set());
          critical.get('outbound.unsettled')!.add(str(r.slip_no));
        }
      }
    }
  }
  const gatedSlips = new Set([...out, ...iss].map((r) => str(r.slip_no)));
  for (const p of pass) {
    if (!gatedSlips.has(str(p.slip_no))) fire('exit-pass.orphan', p.pass_no);
    if (!textMissing(p.exit_time) && str(p.exit_time).slice(0, 10) < str(p.date)) fire('exit-pass.issued-after-exit', p.pass_no);
  }
  for (const r of iss) {
    if (['processor', 'category', 'material_name', 'spec', 'unit', 'purpose'].some((f) => textMissing(r[f]))
      || ['qty', 'unit_price', 'amount'].some((f) => r[f] === null)) fire('outsource-issue.incomplete', r.slip_no);
    if (['requester', 'issuer', 'approver'].some((f) => sigMissing(r[f]))) fire('outsource-issue.missing-signature', r.slip_no);
  }
  const issueLines = new Map<string, { slip: string; code: string; date: string; qty: number }>();
  for (const r of iss) {
    const k = `${str(r.slip_no)}|${str(r.material_code)}`;
    const cur = issueLines.get(k);
    if (cur) { cur.qty += num(r.qty)!; cur.date = minIso(cur.date, str(r.date)); } else issueLines.set(k, { slip: str(r.slip_no), code: str(r.material_code), date: str(r.date), qty: num(r.qty)! });
  }
  for (const l of issueLines.values()) {
    const back = (d: string): number => ret.filter((r) => r.issue_slip_no === l.slip && r.material_code === l.code && str(r.date) <= d)
      .reduce((a, r) => a + (num(r.qty_returned) ?? 0) + (num(r.qty_scrapped) ?? 0), 0);
    const due = addMonths(l.date, 2);
    const overdue = due < AS_OF && back(due) < l.qty;
    if (overdue) fire('outsource.overdue', l.slip);
    else if (eom(l.date) < AS_OF && back(eom(l.date)) < l.qty) fire('outsource.not-returned-in-month', l.slip);
  }
  for (const r of ret) {
    if ((num(r.qty_scrapped) ?? 0) > 0 && textMissing(r.compensation_no)) fire('outsource.shortfall-no-compensation', r.slip_no);
    const pf = num(r.processing_fee); const mf = num(r.material_fee); const up = num(r.unit_price);
    if (pf === null || mf === null || (up !== null && up !== pf + mf)) fire('outsource.price-breakdown', r.slip_no);
  }
  for (const r of pu) {
    const q = num(r.qty)!;
    if (q > 0 && (textMissing(r.inspection_no) || sigMissing(r.inspector))) fire('purchase.missing-inspection', r.slip_no);
    if (isYes(r.provisional) && q > 0 && !pu.some((x) => x.reverses_slip_no === r.slip_no && str(x.date) <= AS_OF)
      && addDays(str(r.date), 30) < AS_OF) fire('purchase.provisional-open', r.slip_no);
  }
  const reversed = new Set(pu.map((r) => str(r.reverses_slip_no)).filter((s) => s !== ''));
  for (const s of reversed) {
    const orig = pu.filter((r) => r.slip_no === s);
    if (orig.length === 0) continue;
    const reds = pu.filter((r) => r.reverses_slip_no === s);
    const sum = (rows: Row[]): number => rows.reduce((a, r) => a + (num(r.amount) ?? 0), 0);
    if (!orig.every((r) => isYes(r.provisional)) || Math.abs(sum(reds) + sum(orig)) > 1) for (const r of reds) fire('purchase.reversal-mismatch', r.slip_no);
  }
  for (const r of rq) {
    if (sigMissing(r.approver)) fire('requisition.missing-approval', r.slip_no);
    if (textMissing(r.purpose)) fire('requisition.missing-purpose', r.slip_no);
  }
  for (const r of sr) {
    if (textMissing(r.application_no)) fire('sales-return.no-application', r.slip_no);
    if (BUSINESS.has(str(r.reason_type)) && sigMissing(r.marketing_approval)) fire('sales-return.business-unapproved', r.slip_no);
    if (sigMissing(r.qc_sign)) fire('sales-return.missing-qc', r.slip_no);
    if (!textMissing(r.goods_back_date) && str(r.date) > eom(str(r.goods_back_date))) fire('sales-return.late-processing', r.slip_no);
    if (textMissing(r.disposition)) fire('sales-return.no-disposition', r.slip_no);
  }
  for (const r of rowsOf(shipments)) {
    const ship = str(r.ship_date); const got = str(r.delivered_date);
    if (!textMissing(r.ready_date) && ship > str(r.ready_date)) fire('shipment.not-same-day', r.shipment_no);
    if (!isYes(r.remote) && ((got !== '' && diffDays(ship, got) > 3) || (got === '' && diffDays(ship, AS_OF) > 3))) fire('shipment.late-delivery', r.shipment_no);
    if (isYes(r.damage) && (textMissing(r.claim_no) || textMissing(r.reship_no))) fire('shipment.damage-unresolved', r.shipment_no);
  }
  for (const r of rowsOf(stockCounts)) {
    if (r.ledger_qty !== r.physical_qty || (r.card_qty !== null && r.card_qty !== r.ledger_qty)) fire('stock.count-mismatch', r.item_code);
  }
  for (const r of rowsOf(calls)) {
    if (num(r.rings)! > 3) fire('service.slow-answer', r.call_id);
    if (num(r.duration_sec)! > 300) fire('service.long-call', r.call_id);
    const nextDay = addDays(str(r.start_time).slice(0, 10), 1); const reply = str(r.reply_date);
    if (!isYes(r.resolved) && ((reply !== '' && reply > nextDay) || (reply === '' && nextDay < AS_OF))) fire('service.late-feedback', r.call_id);
  }
  const numbered: [Row[], string][] = [[fg, 'slip_no'], [out, 'slip_no'], [iss, 'slip_no'], [ret, 'slip_no'], [pu, 'slip_no'], [rq, 'slip_no'], [sr, 'slip_no'], [pass, 'pass_no']];
  for (const [rows, field] of numbered) {
    const dates = new Map<string, Set<string>>();
    for (const r of rows) {
      const k = str(r[field]);
      if (!dates.has(k)) dates.set(k, new Set());
      dates.get(k)!.add(str(r.date));
    }
    for (const [k, ds] of dates) if (ds.size > 1) fire('slip.duplicate-number', k);
    const groups = new Map<string, number[]>();
    for (const k of dates.keys()) {
      const m = /^(.*?)(\d+)$/.exec(k);
      if (!m) continue;
      const g = `${m[1]}|${m[2].length}`;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(Number(m[2]));
    }
    for (const [g, ns] of groups) {
      const [prefix, width] = g.split('|');
      const sorted = [...new Set(ns)].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) {
        const missing = sorted[i] - sorted[i - 1] - 1;
        const fmt = (n: number): string => `${prefix}${String(n).padStart(Number(width), '0')}`;
        if (missing > 50) fire('slip.number-gap', fmt(sorted[i - 1] + 1));
        else for (let n = sorted[i - 1] + 1; n < sorted[i]; n++) fire('slip.number-gap', fmt(n));
      }
    }
  }
  return { keys, critical, originalValue };
}

/** The evaluation must find exactly what was planted, and nothing on the boundary records. */
function checkPlants(ev: Evaluation): string[] {
  const problems: string[] = [];
  const rules = new Set([...PLANS.keys(), ...ev.keys.keys()]);
  const sameSet = (a: Set<string>, b: Set<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));
  for (const rule of rules) {
    const p = plan(rule);
    const want = new Set(p.planted.map(resolveKey));
    const got = ev.keys.get(rule) ?? new Set<string>();
    if (!sameSet(want, got)) problems.push(`${rule}: planted ${[...want].join(' ')} | found ${[...got].join(' ')}`);
    for (const k of p.mustNotFire.map(resolveKey)) if (got.has(k)) problems.push(`${rule}: boundary ${k} fires`);
    if (want.size < 2) problems.push(`${rule}: fewer than 2 planted findings`);
  }
  const crit = new Set(plan('outbound.unsettled').critical.map(resolveKey));
  if (!sameSet(crit, ev.critical.get('outbound.unsettled') ?? new Set())) problems.push(`unsettled critical tier: planted ${[...crit].join(' ')} | found ${[...(ev.critical.get('outbound.unsettled') ?? [])].join(' ')}`);
  const ov = new Set(plan('outbound.old-part-not-returned').originalValue.map(resolveKey));
  if (!sameSet(ov, ev.originalValue)) problems.push(`old-part original-value tier: planted ${[...ov].join(' ')} | found ${[...ev.originalValue].join(' ')}`);
  if (rules.size !== 39) problems.push(`${rules.size} rules covered, expected 39`);
  return problems;
}

const evaluation = evaluate();
const problems = checkPlants(evaluation);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('plants check ok');

// ================================================================ rendering

type Kind = 'text' | 'num' | 'money' | 'date' | 'datetime';
interface Col { header: string; field: string; kind: Kind; text?: (v: V, r: Row) => string }
interface Table {
  file: string; sheet: string; slipType: string; slips: Slip[]; cols: Col[];
  /** Rows above the header (title, export date). */
  above?: string[][];
  /** Data-row indexes after which a blank row is written (`,,,` in CSV when `commas`). */
  blankAfter?: { after: number; commas: boolean }[];
  totals?: boolean;
}

const c = (header: string, field: string, kind: Kind = 'text', text?: Col['text']): Col => ({ header, field, kind, text });

const moneyPlain = (v: V): string => {
  const n = num(v);
  if (n === null) return '';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, '0')}`;
};
const withThousands = (s: string): string => s.replace(/^(-?)(\d+)/, (_m, sg: string, d: string) => sg + d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
const moneyGrouped = (v: V): string => withThousands(moneyPlain(v));
const moneyParens = (v: V): string => {
  const n = num(v);
  if (n === null) return '';
  return n < 0 ? `(${moneyGrouped(-n)})` : moneyGrouped(n);
};
const dateForm = (form: 'slash' | 'cn' | 'dot' | 'compact') => (v: V): string => {
  const s = str(v);
  if (s === '') return '';
  const [y, m, d] = s.split('-').map(Number);
  if (form === 'slash') return `${y}/${m}/${d}`;
  if (form === 'cn') return `${y}年${m}月${d}日`;
  if (form === 'dot') return `${y}.${m}.${d}`;
  return s.replaceAll('-', '');
};
const numText = (v: V): string => (v === null ? '' : String(v));
const defaultText = (col: Col, v: V): string => {
  if (col.kind === 'money') return moneyPlain(v);
  if (col.kind === 'num') return numText(v);
  return str(v);
};

interface RenderedRow { line: Row | null; merged: Row; cells: (V | { raw: string })[]; kind: 'data' | 'blank' | 'totals' | 'above' | 'header' }

/** The table as rows of canonical values (raw overrides marked), with its blank and totals rows. */
function layout(t: Table): RenderedRow[] {
  const out: RenderedRow[] = [];
  for (const a of t.above ?? []) out.push({ line: null, merged: {}, cells: a, kind: 'above' });
  out.push({ line: null, merged: {}, cells: t.cols.map((col) => col.header), kind: 'header' });
  let i = 0;
  const blanks = new Map((t.blankAfter ?? []).map((b) => [b.after, b]));
  for (const s of t.slips) {
    for (const l of s.lines) {
      const merged = { ...s.h, ...l };
      const raw = RAW.get(l) ?? {};
      out.push({ line: l, merged, cells: t.cols.map((col) => (col.field in raw ? { raw: raw[col.field] } : merged[col.field] ?? null)), kind: 'data' });
      const b = blanks.get(i++);
      if (b) out.push({ line: null, merged: {}, cells: b.commas ? t.cols.map(() => '') : [], kind: 'blank' });
    }
  }
  if (t.totals) {
    const sums = t.cols.map((col, k) => {
      if (k === 0) return '合计';
      if (col.kind !== 'num' && col.kind !== 'money') return null;
      if (!['qty', 'amount', 'ledger_qty', 'physical_qty', 'card_qty'].includes(col.field)) return null;
      const sum = out.filter((r) => r.kind === 'data').reduce((a, r) => a + (typeof r.cells[k] === 'number' ? (r.cells[k] as number) : 0), 0);
      return col.kind === 'money' ? sum / 100 : Math.round(sum * 1000) / 1000;
    });
    out.push({ line: null, merged: {}, cells: sums, kind: 'totals' });
  }
  return out;
}

function textCell(col: Col | undefined, v: V | { raw: string }, row: RenderedRow): string {
  if (v !== null && typeof v === 'object') return v.raw;
  if (row.kind === 'totals' && typeof v === 'number' && col?.kind === 'money') return withThousands(v.toFixed(2));
  if (row.kind !== 'data' || !col) return str(v);
  return col.text ? col.text(v, row.merged) : defaultText(col, v);
}

function toDelimited(t: Table, sep: string, eol: string): string {
  const quote = (s: string): string => (s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return layout(t).map((r) => r.cells.map((v, k) => quote(textCell(t.cols[k], v, r))).join(sep)).join(eol) + eol;
}

/** GBK/GB18030 two-byte encoder built once from the platform's decoder (TextEncoder only speaks UTF-8). */
function makeGbkEncoder(): (s: string) => Buffer {
  const dec = new TextDecoder('gb18030');
  const map = new Map<number, number>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = dec.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch.charCodeAt(0))) map.set(ch.charCodeAt(0), (lead << 8) | trail);
    }
  }
  return (s: string) => {
    const bytes: number[] = [];
    for (const ch of s) {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) { bytes.push(code); continue; }
      const gb = map.get(code);
      if (gb === undefined) throw new Error(`not encodable in GBK: ${ch}`);
      bytes.push(gb >> 8, gb & 0xff);
    }
    return Buffer.from(bytes);
  };
}

const xmlEscape = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** A flat OpenDocument spreadsheet: typed cells (real dates, numbers) that LibreOffice turns into xlsx/xls. */
function toFods(tables: Table[]): string {
  const cell = (col: Col | undefined, v: V | { raw: string }, row: RenderedRow): string => {
    if (v !== null && typeof v === 'object') return `<table:table-cell office:value-type="string"><text:p>${xmlEscape(v.raw)}</text:p></table:table-cell>`;
    if (v === null || v === '') return '<table:table-cell/>';
    const kind = row.kind === 'data' || row.kind === 'totals' ? col?.kind ?? 'text' : 'text';
    if (typeof v === 'number' && (kind === 'num' || kind === 'money')) {
      const value = kind === 'money' && row.kind === 'data' ? v / 100 : v;
      return `<table:table-cell${kind === 'money' ? ' table:style-name="ceM"' : ''} office:value-type="float" office:value="${value}"><text:p>${value}</text:p></table:table-cell>`;
    }
    if (kind === 'date') return `<table:table-cell table:style-name="ceD" office:value-type="date" office:date-value="${v}"><text:p>${v}</text:p></table:table-cell>`;
    if (kind === 'datetime') return `<table:table-cell table:style-name="ceT" office:value-type="date" office:date-value="${str(v).replace(' ', 'T')}:00"><text:p>${v}</text:p></table:table-cell>`;
    return `<table:table-cell office:value-type="string"><text:p>${xmlEscape(str(v))}</text:p></table:table-cell>`;
  };
  const sheets = tables.map((t) => {
    const rows = layout(t).map((r) => `<table:table-row>${r.cells.length === 0 ? '<table:table-cell/>' : r.cells.map((v, k) => cell(t.cols[k], v, r)).join('')}</table:table-row>`);
    return `<table:table table:name="${xmlEscape(t.sheet)}">${t.cols.map(() => '<table:table-column/>').join('')}\n${rows.join('\n')}\n</table:table>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
<number:date-style style:name="Nd"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<number:date-style style:name="Nt"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/></number:date-style>
<number:number-style style:name="Nm"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
<style:style style:name="ceD" style:family="table-cell" style:data-style-name="Nd"/>
<style:style style:name="ceT" style:family="table-cell" style:data-style-name="Nt"/>
<style:style style:name="ceM" style:family="table-cell" style:data-style-name="Nm"/>
</office:automatic-styles>
<office:body><office:spreadsheet>
${sheets.join('\n')}
</office:spreadsheet></office:body></office:document>
`;
}

// ================================================================ the files

const TABLES: Table[] = [
  {
    file: '产品出库单_2025Q1.csv', sheet: '', slipType: 'outbound', slips: outbound, totals: true,
    above: [['产品出库单列表'], [`导出日期：${EXPORT_DAY}    华东精密机械有限公司 销售部`]],
    blankAfter: [{ after: 400, commas: false }, { after: 1201, commas: true }],
    cols: [
      c('出库单号', 'slip_no'), c('出库日期', 'date', 'date', dateForm('slash')), c('客户名称', 'customer'),
      c('存货编码', 'product_code'), c('存货名称', 'product_name'), c('规格型号', 'spec'), c('实发数量', 'qty', 'num'),
      c('含税单价', 'unit_price', 'money'),
      c('价税合计', 'amount', 'money', (v, r) => (toDays(str(r.date)) % 7 === 0 ? `￥${moneyGrouped(v)}` : moneyGrouped(v))),
      c('销售类型', 'sale_label'), c('业务员', 'salesperson'), c('质检确认', 'qc_confirmed'),
      c('出门证号', 'exit_pass_no'), c('总经理审批', 'gm_approval'), c('收款日期', 'payment_date', 'date'),
      c('结算日期', 'settlement_date', 'date', dateForm('cn')), c('旧件返回日期', 'old_part_return_date', 'date'), c('备注', 'remark'),
    ],
  },
  {
    file: '仓储物流台账_2025Q1.xlsx', sheet: '出门证登记', slipType: 'exit_pass', slips: passes,
    cols: [
      c('出门证编号', 'pass_no'), c('开具日期', 'date', 'date'), c('关联单号', 'slip_no'), c('开具人', 'issued_by'),
      c('门卫', 'guard'), c('出门时间', 'exit_time', 'datetime'),
    ],
  },
  {
    file: '仓储物流台账_2025Q1.xlsx', sheet: '发运记录', slipType: 'shipment', slips: shipments,
    cols: [
      c('托运单号', 'shipment_no'), c('出库单号', 'outbound_no'), c('备货完成日期', 'ready_date', 'date'), c('发车日期', 'ship_date', 'date'),
      c('物流公司', 'carrier'), c('目的地', 'destination'), c('是否偏远', 'remote'), c('签收日期', 'delivered_date', 'date'),
      c('破损短少', 'damage'), c('赔付单号', 'claim_no'), c('补发单号', 'reship_no'),
    ],
  },
  {
    file: '委外加工_2025Q1.xls', sheet: '委外发料', slipType: 'outsource_issue', slips: issues,
    cols: [
      c('发料单号', 'slip_no'), c('发料日期', 'date', 'date'), c('加工单位', 'processor'), c('材料类别', 'category'),
      c('材料编码', 'material_code'), c('材料名称', 'material_name'), c('型号及规格', 'spec'), c('计量单位', 'unit'),
      c('发料数量', 'qty', 'num'), c('单价', 'unit_price', 'money'), c('金额', 'amount', 'money'), c('用途', 'purpose'),
      c('领料人', 'requester'), c('发料人', 'issuer'), c('批准人', 'approver'), c('出门证号', 'exit_pass_no'),
    ],
  },
  {
    file: '委外加工_2025Q1.xls', sheet: '委外入库', slipType: 'outsource_return', slips: returns,
    cols: [
      c('入库单号', 'slip_no'), c('收回日期', 'date', 'date'), c('委外出库单号', 'issue_slip_no'), c('加工单位', 'processor'),
      c('材料编码', 'material_code'), c('材料名称', 'material_name'), c('收回数量', 'qty_returned', 'num'),
      c('报废数量', 'qty_scrapped', 'num'), c('赔偿清单号', 'compensation_no'), c('加工费', 'processing_fee', 'money'),
      c('材料费', 'material_fee', 'money'), c('入库单价', 'unit_price', 'money'), c('确认函', 'confirmation_letter'),
    ],
  },
  {
    file: '产成品入库单_2025Q1.csv', sheet: '', slipType: 'fg_receipt', slips: fgReceipts,
    cols: [
      c('入库单号', 'slip_no'), c('入库日期', 'date', 'date'), c('生产车间', 'workshop'), c('产品图号', 'drawing_no'),
      c('产品代码', 'product_code'), c('产品名称', 'product_name'), c('规格', 'spec'), c('入库数量', 'qty', 'num'),
      c('入库单价', 'unit_price', 'money', (v) => `¥${moneyGrouped(v)}`), c('入库金额', 'amount', 'money', (v) => `¥${moneyGrouped(v)}`),
      c('定额工时', 'labor_hours', 'num'), c('核算员', 'clerk'), c('车间主任签字', 'director_sign'),
      c('检验合格章', 'inspection_stamp'), c('保管员', 'keeper'),
    ],
  },
  {
    file: '采购入库单_2025Q1.txt', sheet: '', slipType: 'purchase_receipt', slips: purchases,
    blankAfter: [{ after: 150, commas: true }, { after: 151, commas: true }],
    cols: [
      c('编号', 'slip_no'), c('单据日期', 'date', 'date', dateForm('dot')), c('供应商名称', 'supplier'), c('物资类别', 'category'),
      c('存货编码', 'material_code'), c('存货名称', 'material_name'), c('规格型号', 'spec'), c('实收数量', 'qty', 'num'),
      c('单价', 'unit_price', 'money'), c('金额', 'amount', 'money', moneyParens), c('发票号码', 'invoice_no'),
      c('验收单号', 'inspection_no'), c('质检员', 'inspector'), c('是否暂估', 'provisional'), c('冲销单号', 'reverses_slip_no'),
      c('仓库管理员', 'keeper'),
    ],
  },
  {
    file: '生产领料单_2025Q1.csv', sheet: '', slipType: 'requisition', slips: requisitions,
    cols: [
      c('领料单号', 'slip_no'), c('领料日期', 'date', 'date', dateForm('compact')), c('领料部门', 'department'),
      c('物料编码', 'material_code'), c('物料名称', 'material_name'), c('规格型号', 'spec'), c('实发数量', 'qty', 'num'),
      c('单价', 'unit_price', 'money'), c('金额', 'amount', 'money'), c('生产任务单号', 'purpose'), c('领料人', 'requester'),
      c('发料人', 'issuer'), c('审批人', 'approver'),
    ],
  },
  {
    file: '销售退货单_2025Q1.xlsx', sheet: '退货验收单', slipType: 'sales_return', slips: salesReturns,
    above: [['销售退货验收单（2025年第一季度）']], blankAfter: [{ after: 35, commas: false }],
    cols: [
      c('退货单号', 'slip_no'), c('办理日期', 'date', 'date'), c('货物退回日期', 'goods_back_date', 'date'), c('经销商', 'customer'),
      c('产品名称', 'product_name'), c('退货数量', 'qty', 'num'), c('金额', 'amount', 'money'), c('退货原因类型', 'reason_type'),
      c('调换货申请表号', 'application_no'), c('市场部审批', 'marketing_approval'), c('质检签字', 'qc_sign'),
      c('原出库单号', 'original_outbound_no'), c('退货仓库', 'warehouse'), c('验收结论', 'disposition'),
    ],
  },
  {
    file: '价格表_2025.xls', sheet: '价格表', slipType: 'price_list',
    slips: PRICE_ROWS.map((p) => slip({ product_code: p.code, product_name: p.name, spec: p.spec, min_price: p.min, standard_price: p.std, effective_from: p.from }, [{}])),
    cols: [
      c('物料编码', 'product_code'), c('物料名称', 'product_name'), c('规格型号', 'spec'), c('公司最低价', 'min_price', 'money'),
      c('财务标准价', 'standard_price', 'money'), c('执行日期', 'effective_from', 'date'),
    ],
  },
  {
    file: '盘点表_2025Q1.csv', sheet: '', slipType: 'stock_count', slips: stockCounts, totals: true,
    cols: [
      c('盘点日期', 'count_date', 'date'), c('仓库名称', 'warehouse'), c('存货编码', 'item_code'), c('存货名称', 'item_name'),
      c('账面数量', 'ledger_qty', 'num'), c('卡片数量', 'card_qty', 'num'), c('实盘数量', 'physical_qty', 'num'),
    ],
  },
  {
    file: 'service-calls_2025Q1.csv', sheet: '', slipType: 'service_call', slips: calls,
    cols: [
      c('Call ID', 'call_id'), c('Call Time', 'start_time', 'datetime'), c('Agent ID', 'agent_id'), c('Rings', 'rings', 'num'),
      c('Duration (s)', 'duration_sec', 'num'), c('Customer', 'customer'), c('Topic', 'topic'), c('Resolved', 'resolved'),
      c('Reply Date', 'reply_date', 'date'),
    ],
  },
];

const ENCODING: Record<string, string> = {
  '产品出库单_2025Q1.csv': 'gb18030', '盘点表_2025Q1.csv': 'gb18030', '产成品入库单_2025Q1.csv': 'utf-8-bom',
  'service-calls_2025Q1.csv': 'utf-8-bom', '生产领料单_2025Q1.csv': 'utf-8', '采购入库单_2025Q1.txt': 'utf-16le',
  '仓储物流台账_2025Q1.xlsx': 'xlsx', '销售退货单_2025Q1.xlsx': 'xlsx', '委外加工_2025Q1.xls': 'xls (BIFF8)', '价格表_2025.xls': 'xls (BIFF8)',
};

function writeTextFiles(): void {
  const gbk = makeGbkEncoder();
  const BOM8 = Buffer.from([0xef, 0xbb, 0xbf]);
  for (const t of TABLES) {
    const enc = ENCODING[t.file];
    const path = join(OUT, t.file);
    if (enc === 'gb18030') {
      const text = toDelimited(t, ',', '\r\n');
      const bytes = gbk(text);
      if (new TextDecoder('gb18030').decode(bytes) !== text) throw new Error(`GBK round trip failed: ${t.file}`);
      writeFileSync(path, bytes);
    } else if (enc === 'utf-8-bom') writeFileSync(path, Buffer.concat([BOM8, Buffer.from(toDelimited(t, ',', '\r\n'), 'utf8')]));
    else if (enc === 'utf-8') writeFileSync(path, toDelimited(t, ',', '\n'), 'utf8');
    else if (enc === 'utf-16le') writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(toDelimited(t, '\t', '\r\n'), 'utf16le')]));
  }
}

/** Builds the workbooks through LibreOffice so they are what a real spreadsheet program writes. */
function writeWorkbooks(): void {
  const work = mkdtempSync(join(tmpdir(), 'slip-sample-'));
  try {
    const books = new Map<string, Table[]>();
    for (const t of TABLES) if (/\.xlsx?$/.test(t.file)) books.set(t.file, [...(books.get(t.file) ?? []), t]);
    const byFilter = new Map<string, string[]>([['xlsx', []], ['xls:MS Excel 97', []]]);
    for (const [file, tables] of books) {
      const stem = file.replace(/\.xlsx?$/, '');
      const fods = join(work, `${stem}.fods`);
      writeFileSync(fods, toFods(tables), 'utf8');
      byFilter.get(file.endsWith('.xlsx') ? 'xlsx' : 'xls:MS Excel 97')!.push(fods);
    }
    const profile = `file://${join(work, 'profile')}`;
    for (const [filter, inputs] of byFilter) {
      execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--norestore', '--convert-to', filter, '--outdir', join(work, 'out'), ...inputs], { stdio: 'pipe', timeout: 180_000 });
    }
    for (const f of readdirSync(join(work, 'out'))) copyFileSync(join(work, 'out', f), join(OUT, f));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- read-back self-check

const serialToIso = (n: number): string => {
  const ms = Math.round((n - 25569) * DAY_MS / 60_000) * 60_000;
  const iso = new Date(ms).toISOString();
  return n % 1 === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
};

/** Reads every workbook back with SheetJS and compares each cell with what was meant. */
function checkWorkbooks(): void {
  for (const t of TABLES.filter((x) => /\.xlsx?$/.test(x.file))) {
    const wb = XLSX.read(readFileSync(join(OUT, t.file)), { cellNF: true });
    const ws = wb.Sheets[t.sheet];
    if (!ws) throw new Error(`${t.file}: sheet ${t.sheet} missing (has ${wb.SheetNames.join(', ')})`);
    const rows = layout(t);
    const range = XLSX.utils.decode_range(ws['!ref']!);
    if (range.e.r + 1 !== rows.length) throw new Error(`${t.file}/${t.sheet}: ${range.e.r + 1} rows, expected ${rows.length}`);
    rows.forEach((r, ri) => r.cells.forEach((v, ci) => {
      const cell = ws[XLSX.utils.encode_cell({ r: ri, c: ci })] as XLSX.CellObject | undefined;
      const col = t.cols[ci];
      let want: string | number | null;
      if (v !== null && typeof v === 'object') want = v.raw;
      else if (v === null || v === '') want = null;
      else if (r.kind === 'data' && col.kind === 'money') want = (v as number) / 100;
      else want = v;
      let got: string | number | null = cell?.v === undefined ? null : (cell.v as string | number);
      if (cell && cell.t === 'n' && cell.z && XLSX.SSF.is_date(cell.z)) got = serialToIso(cell.v as number);
      else if (r.kind === 'data' && (col.kind === 'date' || col.kind === 'datetime') && want !== null && typeof v !== 'object') {
        throw new Error(`${t.file}/${t.sheet} ${XLSX.utils.encode_cell({ r: ri, c: ci })}: not a date cell`);
      }
      if (got !== want) throw new Error(`${t.file}/${t.sheet} ${XLSX.utils.encode_cell({ r: ri, c: ci })}: ${String(got)} ≠ ${String(want)}`);
    }));
  }
}

// ---------------------------------------------------------------- planted.json and README

interface TableCounts { file: string; sheet: string; slip_type: string; encoding: string; header_row: number; rows_read: number; rows_loaded: number; rows_rejected: number; rows_blank: number; rows_totals: number }
interface RejectNote { file: string; sheet: string; row: number; column: string; value: string; kept: boolean }

function tableFacts(): { tables: TableCounts[]; rejects: RejectNote[] } {
  const tables: TableCounts[] = [];
  const rejects: RejectNote[] = [];
  for (const t of TABLES) {
    const rows = layout(t);
    const header = rows.findIndex((r) => r.kind === 'header');
    const below = rows.slice(header + 1);
    const data = below.filter((r) => r.kind === 'data');
    const rejected = data.filter((r) => REJECTED.has(r.line!));
    tables.push({
      file: t.file, sheet: t.sheet, slip_type: t.slipType, encoding: ENCODING[t.file], header_row: header + 1,
      rows_read: below.length, rows_loaded: data.length - rejected.length, rows_rejected: rejected.length,
      rows_blank: below.filter((r) => r.kind === 'blank').length, rows_totals: below.filter((r) => r.kind === 'totals').length,
    });
    rows.forEach((r, i) => {
      if (r.kind !== 'data') return;
      const raw = RAW.get(r.line!) ?? {};
      const field = REJECTED.has(r.line!) ? Object.keys(raw)[0] : KEPT.get(r.line!);
      if (field === undefined) return;
      const col = t.cols.find((x) => x.field === field)!;
      rejects.push({ file: t.file, sheet: t.sheet, row: i + 1, column: col.header, value: raw[field], kept: !REJECTED.has(r.line!) });
    });
  }
  return { tables, rejects };
}

function writePlanted(): void {
  const rules: Record<string, { planted: string[]; must_not_fire: string[]; critical?: string[]; original_value?: string[] }> = {};
  for (const rule of [...PLANS.keys()].sort()) {
    const p = PLANS.get(rule)!;
    rules[rule] = { planted: [...new Set(p.planted.map(resolveKey))].sort(), must_not_fire: [...new Set(p.mustNotFire.map(resolveKey))].sort() };
    if (p.critical.length > 0) rules[rule].critical = p.critical.map(resolveKey).sort();
    if (p.originalValue.length > 0) rules[rule].original_value = p.originalValue.map(resolveKey).sort();
  }
  const facts = tableFacts();
  const doc = {
    company: '华东精密机械有限公司', period: '2025-01-01/2025-03-31', as_of: AS_OF,
    note: 'planted = exactly the finding keys each rule gives on this data at the default as-of; must_not_fire = boundary records',
    tables: facts.tables, rejects: facts.rejects, rules,
  };
  writeFileSync(join(OUT, 'planted.json'), `${JSON.stringify(doc, null, 2)}\n`, 'utf8');
}

/** A short bilingual guide to the folder, with the planted findings per rule. */
function writeReadme(): void {
  const facts = tableFacts();
  const files = facts.tables.map((t) => `| \`${t.file}\` | ${t.sheet || '—'} | ${t.slip_type} | ${t.encoding} | ${t.header_row} | ${t.rows_loaded} | ${t.rows_rejected} | ${t.rows_blank} | ${t.rows_totals} |`);
  const rules = [...PLANS.keys()].sort().map((id) => {
    const p = PLANS.get(id)!;
    return `| \`${id}\` | ${[...new Set(p.planted.map(resolveKey))].sort().join(' ')} | ${[...new Set(p.mustNotFire.map(resolveKey))].sort().join(' ') || '—'} |`;
  });
  const text = `# 样例数据 · Sample data

华东精密机械有限公司（泵、阀门、电机）2025 年第一季度（2025-01-01 至 2025-03-31）的仓储物流单据导出，
12 种单据各一份表，形状与真实 ERP 导出一致。审计基准日（as-of）按默认规则为 **${AS_OF}**。

One quarter of warehouse exports of a fictional pump, valve and motor maker, one table per slip type, in the
shapes real ERP exports come in. The default as-of date is **${AS_OF}** (last day of the month of the latest
primary date).

| file | sheet | slip type | encoding | header row | rows loaded | rejected | blank | totals |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${files.join('\n')}

Shapes · 形状: GBK (GB18030) CSV with a title row, an export-date row and a \`合计\` row (CRLF); UTF-8 CSV with
and without BOM; UTF-16LE tab-separated text (Excel "Unicode text"); \`.xlsx\` and BIFF8 \`.xls\` made by
LibreOffice, two of them with two slip tables on two sheets, dates as real date cells. Header aliases vary
(English headers in the service-call log); numbers like \`¥1,234.50\`, \`￥97,848.00\`, \`(4,800.00)\`; dates like
\`2025/3/18\`, \`2025年3月18日\`, \`2025.3.18\`, \`20250318\`; placeholders \`/\`, \`无\`, \`待签\`, \`N/A\` in signature
columns next to real names containing 无 (\`王无忌\`, \`徐无咎\`) that are not placeholders.

Rejected and kept cells · 拒收与保留: ${facts.rejects.map((r) => `\`${r.file}\` row ${r.row} ${r.column} \`${r.value || '(empty)'}\` → ${r.kept ? 'kept (optional field read as empty)' : 'row rejected'}`).join('; ')}.

## Planted findings · 预埋的违规

\`planted.json\` lists, per rule, exactly the finding keys the rule gives on this data at the default as-of
(\`planted\`), the boundary records that must not fire (\`must_not_fire\`), the \`critical\` tier of
\`outbound.unsettled\` and the "original value" penalty tier of \`outbound.old-part-not-returned\`, plus each
table's expected counts and the rejected cells.

| rule | planted keys | must not fire |
| --- | --- | --- |
${rules.join('\n')}

## Regenerate · 重新生成

\`\`\`
npm run sample-data
\`\`\`

Deterministic (seeded PRNG, no clock). The script checks its own work: a reference evaluation of every rule
must find exactly the planted keys, and every workbook is read back cell by cell. CSV, TXT, \`.xls\` and
\`planted.json\` come out byte-identical on every run; \`.xlsx\` files carry LibreOffice's save timestamp in
their metadata, so their bytes differ between runs while their cell content is identical. Needs LibreOffice
(\`soffice\`) on the PATH.

脚本可重复运行，结果一致（\`.xlsx\` 仅元数据中的保存时间不同，单元格内容相同）；需要安装 LibreOffice。
`;
  writeFileSync(join(OUT, 'README.md'), text, 'utf8');
}

// ---------------------------------------------------------------- main

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
writeTextFiles();
writeWorkbooks();
checkWorkbooks();
writePlanted();
writeReadme();
for (const f of readdirSync(OUT).sort()) console.log(`${f}\t${readFileSync(join(OUT, f)).length} bytes`);
