/**
 * Chart options as pure functions of rows and labels, so they can be tested without
 * a canvas. EChart.svelte only renders what these return.
 */
import type { EChartsOption } from 'echarts';

export interface Bar { key: string; label: string; value: number; color?: string }

const SEVERITY_COLOR: Record<string, string> = { critical: '#d32f2f', violation: '#f59e0b', warning: '#9ca3af' };

/**
 * Horizontal bars, largest first; the category name is the key so a click can filter by
 * it. `fmt` formats values for labels and tooltips (plain numbers when not given).
 */
export function buildBarOption(bars: readonly Bar[], valueName: string, fmt: (v: number) => string = String): EChartsOption {
  const sorted = [...bars].sort((a, b) => a.value - b.value);
  const labels = new Map(sorted.map((b) => [b.key, b.label]));
  return {
    aria: { enabled: true },
    grid: { left: 8, right: 64, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p) => { const x = p as { name: string; value: number }; return `${escapeText(labels.get(x.name) ?? x.name)}: ${escapeText(fmt(x.value))}`; } },
    xAxis: { type: 'value', name: valueName, minInterval: 1 },
    yAxis: {
      type: 'category', data: sorted.map((b) => b.key),
      axisLabel: { width: 220, overflow: 'truncate', formatter: (v: string) => labels.get(v) ?? v },
    },
    series: [{
      type: 'bar', barMaxWidth: 28, data: sorted.map((b) => ({ value: b.value, name: b.key, itemStyle: b.color ? { color: b.color } : undefined })),
      label: { show: true, position: 'right', formatter: (p: { value: unknown }) => fmt(Number(p.value)) }, cursor: 'pointer',
    }],
  };
}

/** Findings by severity, in severity order, coloured by severity; slice names are the severity codes. */
export function buildSeverityOption(counts: readonly { key: string; count: number }[], label: (k: string) => string): EChartsOption {
  const order = ['critical', 'violation', 'warning'];
  const data = order
    .map((k) => ({ name: k, value: counts.find((c) => c.key === k)?.count ?? 0, itemStyle: { color: SEVERITY_COLOR[k] } }))
    .filter((d) => d.value > 0);
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'item', formatter: (p) => { const x = p as { name: string; value: number; percent: number }; return `${escapeText(label(x.name))}: ${x.value} (${x.percent}%)`; } },
    legend: { bottom: 0, formatter: (name: string) => label(name) },
    series: [{
      type: 'pie', radius: ['40%', '68%'], cursor: 'pointer', data,
      label: { formatter: (p: { name: string; value: unknown }) => `${label(p.name)}: ${String(p.value)}` },
    }],
  };
}

/** Vertical bars over ordered categories (months, age buckets). */
export function buildColumnOption(bars: readonly Bar[], valueName: string): EChartsOption {
  return {
    aria: { enabled: true },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: bars.map((b) => b.label) },
    yAxis: { type: 'value', name: valueName },
    series: [{ type: 'bar', data: bars.map((b) => b.value), label: { show: true, position: 'top' } }],
  };
}

export interface RateBar { key: string; label: string; numerator: number; denominator: number; rate: number | null }

/**
 * Shares as horizontal bars on a 0–100 % axis, in the given order (top first), each
 * labelled with its rate and its numerator/denominator so the auditor can check it.
 * `fmt` formats a share (0..1) for the current language.
 */
export function buildRateOption(bars: readonly RateBar[], unit: string, fmt: (rate: number) => string): EChartsOption {
  const shown = [...bars].reverse();
  const labels = new Map(shown.map((b) => [b.key, b]));
  const text = (b: RateBar | undefined) => (b ? `${b.rate === null ? '—' : fmt(b.rate)} (${b.numerator}/${b.denominator})` : '');
  return {
    aria: { enabled: true },
    grid: { left: 8, right: 110, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p) => { const x = p as { name: string }; const b = labels.get(x.name); return `${escapeText(b?.label ?? x.name)}: ${escapeText(text(b))}`; } },
    xAxis: { type: 'value', name: unit, min: 0, max: 100, axisLabel: { formatter: '{value}' } },
    yAxis: { type: 'category', data: shown.map((b) => b.key), axisLabel: { width: 160, overflow: 'truncate', formatter: (v: string) => labels.get(v)?.label ?? v } },
    series: [{
      type: 'bar', barMaxWidth: 28,
      data: shown.map((b) => ({ name: b.key, value: b.rate === null ? 0 : Math.round(b.rate * 1000) / 10 })),
      label: { show: true, position: 'right', formatter: (p: { name: string }) => text(labels.get(p.name)) },
    }],
  };
}

export interface AmountBucketBar { key: string; label: string; amount: number; lines: number }

/**
 * Amounts by age bucket as columns, with the line count as a second series on its own
 * axis (legend shows both), so "how much" and "how many" read side by side.
 */
export function buildBucketOption(buckets: readonly AmountBucketBar[], names: { amount: string; lines: string }, fmt: (v: number) => string): EChartsOption {
  return {
    aria: { enabled: true },
    legend: { top: 0, data: [names.amount, names.lines] },
    grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: buckets.map((b) => b.label) },
    yAxis: [
      { type: 'value', name: names.amount, axisLabel: { formatter: (v: number) => fmt(v) } },
      { type: 'value', name: names.lines, minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { name: names.amount, type: 'bar', data: buckets.map((b) => b.amount), label: { show: true, position: 'top', formatter: (p: { value: unknown }) => fmt(Number(p.value)) } },
      { name: names.lines, type: 'line', yAxisIndex: 1, data: buckets.map((b) => b.lines), symbolSize: 8 },
    ],
  };
}

/** ECharts tooltips are HTML: text from the data is escaped before it goes in. */
export function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
