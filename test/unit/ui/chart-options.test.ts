import { describe, expect, it } from 'vitest';
import { buildBarOption, buildBucketOption, buildRateOption, buildSeverityOption, escapeText } from '../../../src/ui/charts/options';

describe('chart options', () => {
  it('orders bars so the largest is on top and keys the categories by id', () => {
    const o = buildBarOption([{ key: 'a.x', label: 'A', value: 1 }, { key: 'b.y', label: 'B', value: 5 }], 'n') as {
      yAxis: { data: string[] }; series: { data: { value: number; name: string }[] }[];
    };
    expect(o.yAxis.data).toEqual(['a.x', 'b.y']);
    expect(o.series[0].data.map((d) => [d.name, d.value])).toEqual([['a.x', 1], ['b.y', 5]]);
  });

  it('keeps severity order and leaves out empty slices', () => {
    const o = buildSeverityOption([{ key: 'warning', count: 3 }, { key: 'critical', count: 1 }], (k) => k.toUpperCase()) as {
      series: { data: { name: string; value: number }[] }[];
    };
    expect(o.series[0].data.map((d) => [d.name, d.value])).toEqual([['critical', 1], ['warning', 3]]);
  });

  it('escapes data text before it reaches an HTML tooltip', () => {
    expect(escapeText('<img src=x onerror=alert(1)>&"\'')).toBe('&#60;img src=x onerror=alert(1)&#62;&#38;&#34;&#39;');
  });

  it('formats bar labels with the given formatter', () => {
    const o = buildBarOption([{ key: 'p', label: 'P', value: 1234.5 }], 'yuan', (v) => `¥${v.toFixed(2)}`) as {
      series: { label: { formatter: (p: { value: unknown }) => string } }[]; xAxis: { name: string };
    };
    expect(o.series[0].label.formatter({ value: 1234.5 })).toBe('¥1234.50');
    expect(o.xAxis.name).toBe('yuan');
  });

  it('draws rates on a 0–100 axis, first bar on top, labelled with rate and counts', () => {
    const o = buildRateOption([
      { key: 'all', label: 'All', numerator: 9, denominator: 10, rate: 0.9 },
      { key: 'outbound', label: 'Outbound', numerator: 0, denominator: 0, rate: null },
    ], '%', (r) => `${(r * 100).toFixed(1)}%`) as {
      xAxis: { min: number; max: number }; yAxis: { data: string[] };
      series: { data: { name: string; value: number }[]; label: { formatter: (p: { name: string }) => string } }[];
    };
    expect([o.xAxis.min, o.xAxis.max]).toEqual([0, 100]);
    expect(o.yAxis.data).toEqual(['outbound', 'all']);
    expect(o.series[0].data).toEqual([{ name: 'outbound', value: 0 }, { name: 'all', value: 90 }]);
    expect(o.series[0].label.formatter({ name: 'all' })).toBe('90.0% (9/10)');
    expect(o.series[0].label.formatter({ name: 'outbound' })).toBe('— (0/0)');
  });

  it('shows amount and line count per age bucket, with a legend for both', () => {
    const o = buildBucketOption([
      { key: 'le_1m', label: '≤1m', amount: 100, lines: 2 }, { key: 'open', label: 'open', amount: 50.5, lines: 1 },
    ], { amount: 'Amount', lines: 'Lines' }, String) as {
      legend: { data: string[] }; xAxis: { data: string[] }; series: { name: string; type: string; data: number[]; yAxisIndex?: number }[];
    };
    expect(o.legend.data).toEqual(['Amount', 'Lines']);
    expect(o.xAxis.data).toEqual(['≤1m', 'open']);
    expect(o.series.map((s) => [s.type, s.data, s.yAxisIndex ?? 0])).toEqual([['bar', [100, 50.5], 0], ['line', [2, 1], 1]]);
  });
});
