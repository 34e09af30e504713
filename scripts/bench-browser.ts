/**
 * The browser half of `npm run bench -- --browser`: the production build in headless
 * Chromium, driven as a user drives it (file input, rules panel, findings filters), with
 * the time to each visible result, the main thread's long tasks and the memory of the
 * Chromium processes.
 *
 * Times are taken inside the page (performance.now()): from the `change`/`click` event
 * the action fires to the first animation frame at which the page shows the final
 * result, so the driver's own latency stays out of them. Memory is the sum over this
 * process's Chromium descendants (browser, GPU/utility and the renderer, which also
 * hosts the DuckDB worker), sampled from /proc (RSS every 200 ms, PSS every 2 s).
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startApp, type App } from '../test/e2e/harness';

/** One load of the data set in a fresh page, and (for the UTF-8 run) the interactions on it. */
export interface BrowserRun {
  /** Page opened → the footer names the engine (DuckDB-WASM instantiated); not part of the load. */
  engineStartMs: number;
  /** `change` on the file input → progress gone and the run time shown. */
  loadMs: number;
  /** Of which: until the progress says the rules run (decode, parse, bulk load of all files). */
  filesMs: number | null;
  /** Click on "Findings" → findings-total equals the run's total with the first rows drawn. */
  findingsViewMs: number;
  findings: number;
  /** Longest main-thread task during the load, and all tasks over 50 ms. */
  longestTaskMs: number;
  longTasks: number;
  longTaskTotalMs: number;
  /** Where the longest animation frames of the load spent their script time (long-animation-frame entries). */
  slowScripts: string[];
  memory: MemoryPeak;
  /** Only for the UTF-8 run: the interactions once the data is in. */
  interactions?: Interactions;
  /** What the page could tell about its own memory (cross-origin isolation decides measureUserAgentSpecificMemory). */
  pageMemory: string;
}

export interface Interactions {
  asOfMs: number;
  asOfTo: string;
  paramMs: number;
  param: string;
  filterMs: number;
  filter: string;
  sortMs: number;
  /** Longest main-thread task over the four interactions. */
  longestTaskMs: number;
  memory: MemoryPeak;
}

export interface MemoryPeak {
  /** Peak of the summed RSS of all Chromium processes (shared pages counted in each). */
  rss: number;
  /** Peak of the summed PSS (shared pages split): the better total, but sampled only every 2 s. */
  pss: number;
  /** Peak RSS of the renderer process alone (page + DuckDB worker + wasm heap). */
  renderer: number;
  /** The renderer's RSS at the start: the page open and DuckDB-WASM ready, before the work (files). */
  rendererStart: number;
  /**
   * Peak private memory of the renderer (RssAnon + VmSwap): its RSS without the pages of
   * Chromium's own binary and libraries, which every Chromium process maps and shares. On
   * Linux this is Chromium's "private memory footprint", the Memory footprint column of its
   * task manager.
   */
  rendererPrivate: number;
  /** When the renderer's RSS peaked, in ms from the start of the work. */
  rendererPeakAt: number;
}

export interface BrowserBench {
  /** Chromium's version string. */
  version: string;
  run(files: string[], opts: { interact: boolean; timeoutMs: number }): Promise<BrowserRun>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- memory of the Chromium process tree

interface Proc { pid: number; ppid: number; comm: string }

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.push({ pid: Number(d), ppid, comm });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** This process's descendants (Chromium and its helpers). */
function descendants(root: number): Proc[] {
  const all = processes();
  const kids = new Map<number, Proc[]>();
  for (const p of all) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const walk = (pid: number) => { for (const k of kids.get(pid) ?? []) { out.push(k); walk(k.pid); } };
  walk(root);
  return out;
}

function kib(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Peaks of the Chromium tree's memory while `work` runs. RSS comes from statm every 200 ms;
 * PSS from smaps_rollup only every 2 s, because walking the renderer's ~12k mappings
 * costs ~0.1 s of CPU, which at 10 Hz would take a core away from the browser.
 */
async function sampleMemory<T>(work: () => Promise<T>): Promise<{ value: T; peak: MemoryPeak }> {
  const peak: MemoryPeak = { rss: 0, pss: 0, renderer: 0, rendererStart: -1, rendererPrivate: 0, rendererPeakAt: 0 };
  let t0 = Date.now();
  const page = 4096;
  let ticks = 0;
  let started = false;
  const tick = () => {
    const withPss = ticks++ % 10 === 0;
    let rss = 0, pss = 0;
    for (const p of descendants(process.pid)) {
      if (!/chrom/i.test(p.comm)) continue;
      try {
        const r = Number(readFileSync(`/proc/${p.pid}/statm`, 'utf8').split(' ')[1]) * page;
        rss += r;
        if (withPss) pss += kib(readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8'), 'Pss');
        if (readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('--type=renderer')) {
          if (r > peak.renderer) { peak.renderer = r; peak.rendererPeakAt = Date.now() - t0; }
          if (!started) peak.rendererStart = Math.max(peak.rendererStart, r);
          const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
          peak.rendererPrivate = Math.max(peak.rendererPrivate, kib(status, 'RssAnon') + kib(status, 'VmSwap'));
        }
      } catch {
        // Gone meanwhile.
      }
    }
    peak.rss = Math.max(peak.rss, rss);
    peak.pss = Math.max(peak.pss, pss);
  };
  tick();
  started = true;
  t0 = Date.now();
  const timer = setInterval(tick, 200);
  try {
    const value = await work();
    ticks = 0;
    tick();
    return { value, peak };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------- in-page probes (plain strings: tsx must not rewrite them)

/**
 * Installed before the app's own scripts: English labels, and records of long tasks,
 * long animation frames, user events and the progress text over time.
 */
const INIT = `
localStorage.setItem('lang', 'en');
const b = window.__bench = { longtasks: [], loaf: [], events: [], progress: [] };
new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longtasks.push({ start: e.startTime, dur: e.duration }); })
  .observe({ type: 'longtask', buffered: true });
try {
  new PerformanceObserver((l) => { for (const e of l.getEntries()) b.loaf.push({ start: e.startTime, dur: e.duration, blocking: e.blockingDuration,
    scripts: e.scripts.map((s) => ({ dur: s.duration, invoker: s.invoker, src: s.sourceURL.replace(/^.*\\//, ''), fn: s.sourceFunctionName, at: s.sourceCharPosition })) }); })
    .observe({ type: 'long-animation-frame', buffered: true });
} catch {}
for (const type of ['change', 'click']) document.addEventListener(type, (e) => {
  const t = e.target;
  b.events.push({ type, t: performance.now(), id: (t && t.dataset && t.dataset.testid) || (t && t.tagName) || '' });
}, true);
let last = '';
const watch = () => {
  const p = document.querySelector('[data-testid="progress"]');
  const text = p ? p.textContent.trim() : '';
  if (text !== last) { last = text; b.progress.push({ t: performance.now(), text }); }
  requestAnimationFrame(watch);
};
requestAnimationFrame(watch);
`;

/** performance.now() of the last user event of this type. */
const lastEvent = (page: Page, type: 'change' | 'click'): Promise<number> =>
  page.evaluate(`(() => { const e = window.__bench.events.filter((x) => x.type === ${JSON.stringify(type)}); return e.length ? e[e.length - 1].t : NaN; })()`);

/**
 * Wait (one check per animation frame) until `condition` holds; the page's performance.now()
 * at that frame. Evaluated through the DevTools protocol, which the app's CSP (no
 * 'unsafe-eval') allows, unlike page.waitForFunction with a string.
 */
async function frameWhen(page: Page, condition: string, timeoutMs: number): Promise<number> {
  const waiting = page.evaluate<number>(`new Promise((done) => {
    const tick = () => { if (${condition}) done(performance.now()); else requestAnimationFrame(tick); };
    tick();
  })`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => { timer = setTimeout(() => fail(new Error(`no result within ${timeoutMs / 1000} s: ${condition}`)), timeoutMs); });
  try {
    return await Promise.race([waiting, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const COUNTS = `JSON.stringify([...document.querySelectorAll('[data-testid^="rule-count-"]')].map((e) => e.dataset.testid + '=' + e.textContent.trim()))`;
const AS_OF_IDLE = `(() => { const a = document.querySelector('[data-testid="as-of"]'); return !!a && !a.disabled; })()`;
/** The first rows of the findings table, drawn (not the "…" placeholder). */
const ROWS_DRAWN = `(() => { const r = document.querySelectorAll('[data-testid="finding-row"]'); return r.length > 0 && !r[0].querySelector('.muted'); })()`;
const TOTAL = `Number(document.querySelector('[data-testid="findings-total"]')?.textContent ?? NaN)`;

interface Timing { longtasks: { start: number; dur: number }[]; loaf: { start: number; dur: number; blocking: number; scripts: { dur: number; invoker: string; src: string; fn: string; at: number }[] }[] }

async function tasksBetween(page: Page, from: number, to: number): Promise<{ longest: number; count: number; total: number; scripts: string[] }> {
  const b = await page.evaluate<Timing>('window.__bench');
  const tasks = b.longtasks.filter((x) => x.start + x.dur >= from && x.start <= to);
  const frames = b.loaf.filter((x) => x.start + x.dur >= from && x.start <= to).sort((x, y) => y.dur - x.dur).slice(0, 3);
  const scripts = frames.map((f) => `${f.dur.toFixed(0)} ms frame: ${f.scripts.sort((x, y) => y.dur - x.dur).slice(0, 2)
    .map((s) => `${s.dur.toFixed(0)} ms ${s.invoker} ${s.fn || '(anonymous)'} ${s.src}:${s.at}`).join('; ') || '(no script: layout/style/paint)'}`);
  return { longest: Math.max(0, ...tasks.map((x) => x.dur)), count: tasks.length, total: tasks.reduce((s, x) => s + x.dur, 0), scripts };
}

// ---------------------------------------------------------------- the steps

async function interact(page: Page, timeoutMs: number): Promise<Omit<Interactions, 'memory'>> {
  const began = await page.evaluate<number>('performance.now()');

  // (a) The rules panel: the as-of date, then a parameter of a rule over the big table.
  await page.getByTestId('nav-rules').click();
  await frameWhen(page, `${AS_OF_IDLE} && document.querySelectorAll('[data-testid^="rule-count-"]').length > 0`, timeoutMs);
  const asOfNow = await page.getByTestId('as-of').inputValue();
  const asOfTo = `${asOfNow.slice(0, 4)}-06-30` === asOfNow ? `${asOfNow.slice(0, 4)}-03-31` : `${asOfNow.slice(0, 4)}-06-30`;
  let before = await page.evaluate<string>(COUNTS);
  await page.getByTestId('as-of').fill(asOfTo);
  const asOfDone = await frameWhen(page, `${AS_OF_IDLE} && ${COUNTS} !== ${JSON.stringify(before)}`, timeoutMs);
  const asOfMs = asOfDone - (await lastEvent(page, 'change'));

  // No test id on the parameter inputs: the rule's row by its id, the input by the parameter's name.
  const ruleId = 'outbound.unsettled', name = 'months';
  const input = page.locator('tr', { has: page.locator('code', { hasText: ruleId }) }).locator(`label:has(span[title="${name}"]) input`);
  const was = Number(await input.inputValue());
  before = await page.evaluate<string>(COUNTS);
  await input.fill(String(was + 2));
  await input.dispatchEvent('change');
  const paramDone = await frameWhen(page, `${AS_OF_IDLE} && ${COUNTS} !== ${JSON.stringify(before)}`, timeoutMs);
  const paramMs = paramDone - (await lastEvent(page, 'change'));

  // (b) The findings: filter on the rule with the most findings, then sort by amount.
  await page.getByTestId('nav-findings').click();
  await frameWhen(page, `${ROWS_DRAWN} && document.querySelectorAll('[data-testid="filter-rule"] option').length > 1`, timeoutMs);
  const options = await page.evaluate<{ value: string; text: string }[]>(
    `[...document.querySelectorAll('[data-testid="filter-rule"] option')].map((o) => ({ value: o.value, text: o.textContent }))`);
  const pick = options.filter((o) => o.value)
    .map((o) => ({ value: o.value, n: Number(/\((\d+)\)\s*$/.exec(o.text)?.[1] ?? 0) }))
    .sort((x, y) => y.n - x.n)[0];
  await page.getByTestId('filter-rule').selectOption(pick.value);
  const filterDone = await frameWhen(page,
    `${TOTAL} === ${pick.n} && ${ROWS_DRAWN} && document.querySelector('[data-testid="finding-row"] [role="gridcell"]:nth-child(2)').title === ${JSON.stringify(pick.value)}`,
    timeoutMs);
  const filterMs = filterDone - (await lastEvent(page, 'change'));

  // The amount column header (no test id; the seventh column header).
  const header = page.locator('[role="columnheader"]').nth(6);
  await header.click();
  const sortDone = await frameWhen(page, `(() => {
    const h = document.querySelectorAll('[role="columnheader"]')[6];
    if (h.getAttribute('aria-sort') !== 'ascending' || !${ROWS_DRAWN}) return false;
    const rows = [...document.querySelectorAll('[data-testid="finding-row"]')].slice(0, 10);
    if (rows.some((r) => r.querySelector('.muted'))) return false;
    const amounts = rows.map((r) => Number(r.querySelectorAll('[role="gridcell"]')[6].textContent.replace(/[^0-9.-]/g, ''))).filter((x) => Number.isFinite(x));
    return amounts.every((x, i) => i === 0 || amounts[i - 1] <= x);
  })()`, timeoutMs);
  const sortMs = sortDone - (await lastEvent(page, 'click'));

  const tasks = await tasksBetween(page, began, sortDone);
  return {
    asOfMs, asOfTo, paramMs, param: `${ruleId}.${name} ${was}→${was + 2}`, filterMs, filter: `rule ${pick.value} (${pick.n})`, sortMs,
    longestTaskMs: tasks.longest,
  };
}

async function oneRun(app: App, files: string[], opts: { interact: boolean; timeoutMs: number }): Promise<BrowserRun> {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: INIT });
    const opened = Date.now();
    await page.goto(`${app.origin}/#/load`);
    await page.locator('footer', { hasText: '·' }).waitFor({ timeout: opts.timeoutMs });
    const engineStartMs = Date.now() - opened;

    const { value: load, peak: memory } = await sampleMemory(async () => {
      await page.getByTestId('file-input').setInputFiles(files);
      const done = await frameWhen(page, `!document.querySelector('[data-testid="progress"]') && !!document.querySelector('[data-testid="run-time"]')`, opts.timeoutMs);
      return { done, changed: await lastEvent(page, 'change') };
    });
    const progress = await page.evaluate<{ t: number; text: string }[]>('window.__bench.progress');
    const rulesAt = progress.find((p) => p.t >= load.changed && p.text.startsWith('Running'))?.t;

    await page.getByTestId('nav-findings').click();
    const shown = await frameWhen(page,
      `${ROWS_DRAWN} && ${TOTAL} === Number(document.querySelector('[data-testid="nav-findings"] .badge')?.textContent ?? NaN)`, opts.timeoutMs);
    const findingsViewMs = shown - (await lastEvent(page, 'click'));
    const findings = await page.evaluate<number>(TOTAL);
    const tasks = await tasksBetween(page, load.changed, load.done);
    const pageMemory = await page.evaluate<string>(`(async () => {
      const parts = ['crossOriginIsolated=' + self.crossOriginIsolated];
      if (performance.memory) parts.push('main-thread JS heap used ' + Math.round(performance.memory.usedJSHeapSize / 1048576) + ' MB');
      if (self.crossOriginIsolated && performance.measureUserAgentSpecificMemory) {
        const m = await performance.measureUserAgentSpecificMemory();
        parts.push('measureUserAgentSpecificMemory ' + Math.round(m.bytes / 1048576) + ' MB');
      } else parts.push('measureUserAgentSpecificMemory unavailable');
      return parts.join(', ');
    })()`);

    let interactions: Interactions | undefined;
    if (opts.interact) {
      const r = await sampleMemory(() => interact(page, opts.timeoutMs));
      interactions = { ...r.value, memory: r.peak };
    }
    return {
      engineStartMs, loadMs: load.done - load.changed, filesMs: rulesAt === undefined ? null : rulesAt - load.changed,
      findingsViewMs, findings, longestTaskMs: tasks.longest, longTasks: tasks.count, longTaskTotalMs: tasks.total,
      slowScripts: tasks.scripts, memory, interactions, pageMemory,
    };
  } finally {
    await context.close();
  }
}

/** Builds the app once, serves it and starts Chromium; each run then gets a fresh page (and renderer). */
export async function startBrowserBench(): Promise<BrowserBench> {
  const app = await startApp('slip-bench-browser-');
  return {
    version: app.browser.version(),
    run: (files, opts) => oneRun(app, files, opts),
    async close() {
      await app.close();
      rmSync(app.work, { recursive: true, force: true });
    },
  };
}
