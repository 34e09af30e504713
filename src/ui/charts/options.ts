/**
 * Chart options as pure functions of rows and labels, so they can be tested without
 * a canvas. EChart.svelte only renders what these return.
 */
import type { EChartsOption } from 'echarts';

export interface Bar { key: string; label: string; value: number; color?: string }

const SEVERITY_COLOR: Record<string, string> = { critical: '#d32f2f', violation: '#f59e0b', warning: '#9ca3af' };

/** Horizontal bars, largest first; the category name is the key so a click can filter by it. */
export function buildBarOption(bars: readonly Bar[], valueName: string): EChartsOption {
  const sorted = [...bars].sort((a, b) => a.value - b.value);
  const labels = new Map(sorted.map((b) => [b.key, b.label]));
  return {
    aria: { enabled: true },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p) => { const x = p as { name: string; value: number }; return `${escapeText(labels.get(x.name) ?? x.name)}: ${x.value}`; } },
    xAxis: { type: 'value', name: valueName, minInterval: 1 },
    yAxis: {
      type: 'category', data: sorted.map((b) => b.key),
      axisLabel: { width: 220, overflow: 'truncate', formatter: (v: string) => labels.get(v) ?? v },
    },
    series: [{
      type: 'bar', data: sorted.map((b) => ({ value: b.value, name: b.key, itemStyle: b.color ? { color: b.color } : undefined })),
      label: { show: true, position: 'right' }, cursor: 'pointer',
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

/** ECharts tooltips are HTML: text from the data is escaped before it goes in. */
export function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
