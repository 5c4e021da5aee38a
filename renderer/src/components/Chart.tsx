import { useId } from 'react';
import './Chart.css';

export interface ChartSeries {
  name: string;
  /** One value per label; null where there is nothing to show (e.g. no incident resolved that day). */
  values: (number | null)[];
  /** A CSS color; otherwise the next of the default palette. */
  color?: string;
}

const PALETTE = ['#3b5bdb', '#f08c00', '#2f9e44', '#e03131', '#9c36b5', '#868e96'];
const colorOf = (series: ChartSeries, index: number) => series.color ?? PALETTE[index % PALETTE.length]!;

interface ChartProps {
  title: string;
  labels: string[];
  series: ChartSeries[];
  /** bar: series stack per label; line: one line per series. */
  kind: 'bar' | 'line';
  /** Formats a value for the axis and the data table, e.g. minutes. */
  format?: (value: number) => string;
  /** The data table's first column heading. */
  labelHeading?: string;
  /** Values are counts: the axis ticks are whole numbers. */
  integer?: boolean;
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 34, left: 52 };

/** The smallest "round" number (1, 2, 2.5 or 5 × 10^n) at or above `max`, so axis ticks read well. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** The height each label's bar stack or line point needs: the stack's sum for bars, the largest value for lines. */
export function chartMax(series: ChartSeries[], kind: 'bar' | 'line', count: number): number {
  let max = 0;
  for (let i = 0; i < count; i++) {
    const values = series.map((s) => s.values[i] ?? 0);
    max = Math.max(max, kind === 'bar' ? values.reduce((a, b) => a + b, 0) : Math.max(0, ...values));
  }
  return max;
}

const plain = (value: number) => String(Number(value.toFixed(2)));

/** The axis top and its five ticks (0 and four steps); whole-number steps for counts. */
export function axisTicks(max: number, integer: boolean): number[] {
  const top = integer ? Math.max(1, Math.ceil(niceMax(max) / 4)) * 4 : niceMax(max);
  return [0, 1, 2, 3, 4].map((i) => (top * i) / 4);
}

/**
 * A small SVG chart with its numbers beside it: the drawing is decorative for assistive technology,
 * which reads the data table (visually hidden) instead.
 */
export function Chart({ title, labels, series, kind, format = plain, labelHeading = 'Period', integer = false }: ChartProps) {
  const id = useId();
  const ticks = axisTicks(chartMax(series, kind, labels.length), integer);
  const top = ticks[4]!;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = labels.length ? plotW / labels.length : plotW;
  const y = (value: number) => PAD.top + plotH - (value / top) * plotH;
  // Every label would overlap on a long range: show about eight.
  const labelEvery = Math.max(1, Math.ceil(labels.length / 8));

  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {series.length > 1 ? (
        <ul className="chart-legend" aria-hidden="true">
          {series.map((s, index) => (
            <li key={s.name}>
              <span className="chart-swatch" style={{ background: colorOf(s, index) }} /> {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="chart-svg" aria-hidden="true" focusable="false">
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(tick)} className="chart-axis" textAnchor="end" dominantBaseline="middle">
              {format(tick)}
            </text>
          </g>
        ))}
        {labels.map((label, i) =>
          i % labelEvery === 0 ? (
            <text key={label} x={PAD.left + step * (i + 0.5)} y={HEIGHT - PAD.bottom + 16} className="chart-axis" textAnchor="middle">
              {label}
            </text>
          ) : null,
        )}
        {kind === 'bar'
          ? labels.map((label, i) => {
              let base = 0;
              const width = Math.max(1, step * 0.7);
              return (
                <g key={label}>
                  {series.map((s, index) => {
                    const value = s.values[i] ?? 0;
                    if (value <= 0) return null;
                    const rect = (
                      <rect key={s.name} x={PAD.left + step * i + (step - width) / 2} y={y(base + value)} width={width} height={y(base) - y(base + value)} fill={colorOf(s, index)}>
                        <title>{`${label} · ${s.name}: ${format(value)}`}</title>
                      </rect>
                    );
                    base += value;
                    return rect;
                  })}
                </g>
              );
            })
          : series.map((s, index) => {
              const points = s.values.map((value, i) => (value === null ? null : ([PAD.left + step * (i + 0.5), y(value)] as const)));
              // A null breaks the line rather than pretending the value was zero.
              const path = points.map((p, i) => (p ? `${i > 0 && points[i - 1] ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}` : '')).join('');
              return (
                <g key={s.name} className="chart-line">
                  <path d={path} stroke={colorOf(s, index)} />
                  {points.map((p, i) => (p ? <circle key={labels[i]} cx={p[0]} cy={p[1]} r={3} fill={colorOf(s, index)} /> : null))}
                </g>
              );
            })}
      </svg>
      <table className="visually-hidden" aria-label={title}>
        <thead>
          <tr>
            <th scope="col">{labelHeading}</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {series.map((s) => (
                <td key={s.name}>{s.values[i] === null || s.values[i] === undefined ? '—' : format(s.values[i]!)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
