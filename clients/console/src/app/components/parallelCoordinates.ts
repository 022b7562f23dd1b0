import { html } from 'htm/preact';
import { PALETTE } from './metricChart.ts';

export interface Axis {
  name: string;
  /** One value per run; strings are laid out as categories. */
  values: (string | number | null)[];
}

/** Where a value sits on its axis, 0 (bottom) to 1 (top); null when the run has none. */
function scaleOf(axis: Axis): {
  at(value: string | number | null): number | null;
  ticks: [string, number][];
} {
  const numbers = axis.values.map((v) => (v === null || v === '' ? null : Number(v)));
  if (numbers.every((n) => n === null || Number.isFinite(n))) {
    const present = numbers.filter((n): n is number => n !== null);
    const min = Math.min(...present);
    const max = Math.max(...present);
    const span = max - min || 1;
    return {
      at: (value) => (value === null || value === '' ? null : (Number(value) - min) / span),
      ticks: present.length
        ? [
            [String(Number(min.toPrecision(4))), 0],
            [String(Number(max.toPrecision(4))), 1],
          ]
        : [],
    };
  }
  const categories = [
    ...new Set(axis.values.filter((v): v is string | number => v !== null).map(String)),
  ].sort();
  const step = categories.length > 1 ? 1 / (categories.length - 1) : 0;
  return {
    at: (value) =>
      value === null ? null : categories.length > 1 ? categories.indexOf(String(value)) * step : 0.5,
    ticks: categories.map((c, i) => [c, categories.length > 1 ? i * step : 0.5]),
  };
}

/** Params against a metric: one vertical axis each, one line per run crossing them all. */
export function ParallelCoordinates(props: { axes: Axis[]; runs: string[] }) {
  const width = Math.max(480, props.axes.length * 140);
  const height = 260;
  const pad = { top: 24, bottom: 24, side: 60 };
  const x = (i: number) => pad.side + (i * (width - 2 * pad.side)) / Math.max(1, props.axes.length - 1);
  const y = (t: number) => pad.top + (1 - t) * (height - pad.top - pad.bottom);
  const scales = props.axes.map(scaleOf);
  const lines = props.runs.map((_, run) =>
    scales
      .map((scale, i) => {
        const t = scale.at(props.axes[i]!.values[run] ?? null);
        return t === null ? null : `${x(i)},${y(t)}`;
      })
      .filter(Boolean)
      .join(' '),
  );
  return html`<svg class="parallel" width=${width} height=${height} viewBox="0 0 ${width} ${height}" role="img" aria-label="parallel coordinates of params against the metric">
    ${props.axes.map(
      (axis, i) => html`<g>
        <line x1=${x(i)} x2=${x(i)} y1=${y(0)} y2=${y(1)} class="axis" />
        <text x=${x(i)} y=${12} text-anchor="middle" class="axis-name">${axis.name}</text>
        ${scales[i]!.ticks.map(([label, t]) => html`<text x=${x(i) + 4} y=${y(t) + 4} class="tick">${label}</text>`)}
      </g>`,
    )}
    ${lines.map(
      (points, run) =>
        html`<polyline points=${points} fill="none" stroke=${PALETTE[run % PALETTE.length]} stroke-width="2"><title>${props.runs[run]}</title></polyline>`,
    )}
  </svg>`;
}
