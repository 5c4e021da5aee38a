import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { axisTicks, Chart, chartMax, niceMax } from './Chart';

describe('Chart', () => {
  it('rounds the axis up to a readable number', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(24)).toBe(25);
    expect(niceMax(0.3)).toBe(0.5);
  });

  it('gives counts whole-number ticks', () => {
    expect(axisTicks(1, true)).toEqual([0, 1, 2, 3, 4]);
    expect(axisTicks(7, true)).toEqual([0, 3, 6, 9, 12]);
    expect(axisTicks(1, false)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(axisTicks(0, true)).toEqual([0, 1, 2, 3, 4]);
  });

  it('scales bars to the tallest stack and lines to the largest point', () => {
    const series = [{ name: 'a', values: [1, 4, null] }, { name: 'b', values: [2, 3, 9] }];
    expect(chartMax(series, 'bar', 3)).toBe(9);
    expect(chartMax([{ name: 'a', values: [1, 4] }, { name: 'b', values: [2, 3] }], 'bar', 2)).toBe(7);
    expect(chartMax(series, 'line', 3)).toBe(9);
  });

  it('draws one bar per non-zero value and reads out every number in its table', () => {
    const html = renderToStaticMarkup(
      <Chart title="Incidents" kind="bar" labels={['Mon', 'Tue']} series={[{ name: 'critical', values: [2, 0] }, { name: 'low', values: [1, 3] }]} />,
    );
    expect(html.match(/<rect /g)).toHaveLength(3);
    expect(html).toContain('aria-label="Incidents"');
    expect(html).toContain('<th scope="row">Tue</th><td>0</td><td>3</td>');
  });

  it('breaks a line at a missing value instead of drawing it as zero', () => {
    const html = renderToStaticMarkup(<Chart title="MTTR" kind="line" labels={['a', 'b', 'c']} series={[{ name: 'MTTR', values: [5, null, 10] }]} />);
    const path = /<path d="([^"]*)"/.exec(html)![1]!;
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path).not.toContain('L');
    expect(html.match(/<circle /g)).toHaveLength(2);
    expect(html).toContain('<th scope="row">b</th><td>—</td>');
  });
});
