import { describe, expect, it } from 'vitest';
import { buildBarOption, buildSeverityOption, escapeText } from '../../../src/ui/charts/options';

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
});
