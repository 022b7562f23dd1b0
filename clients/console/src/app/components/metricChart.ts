import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  /** [x, y] pairs, x ascending. */
  points: [number, number | null][];
}

/** What a test (or a curious user in devtools) reads back from a drawn chart. */
export interface ChartData {
  labels: string[];
  xs: number[];
  ys: (number | null)[][];
}

export const PALETTE = [
  '#2f7ed8',
  '#e4572e',
  '#29a36a',
  '#a05cc9',
  '#f0a202',
  '#17becf',
  '#d6336c',
  '#7f7f7f',
  '#8c564b',
  '#bcbd22',
];

/** Series with different x values on one shared, sorted x axis; a series is null where it has no point. */
function aligned(series: ChartSeries[]): ChartData {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const column: (number | null)[] = new Array(xs.length).fill(null);
    for (const [x, y] of s.points) column[index.get(x)!] = y;
    return column;
  });
  return { labels: series.map((s) => s.label), xs, ys };
}

/**
 * One metric, one line per run, drawn by uPlot (canvas, fast with 100k points). The aligned
 * data is kept on the element as `jarvisChart`.
 */
export function MetricChart(props: {
  title: string;
  series: ChartSeries[];
  xLabel: string;
  time: boolean;
  log: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const data = aligned(props.series);
    (element as unknown as { jarvisChart: ChartData }).jarvisChart = data;
    const positive = data.ys.every((column) => column.every((y) => y === null || y > 0));
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: 260,
        title: props.title,
        scales: {
          x: { time: props.time },
          y: props.log && positive ? { distr: 3, log: 10 } : { auto: true },
        },
        axes: [{ label: props.xLabel, stroke: 'currentColor' }, { stroke: 'currentColor' }],
        series: [
          { label: props.xLabel },
          ...data.labels.map((label, i) => ({
            label,
            stroke: PALETTE[i % PALETTE.length]!,
            width: 1.5,
            spanGaps: true,
            points: { show: false },
          })),
        ],
        legend: { live: true },
      },
      [props.time ? data.xs.map((x) => x / 1000) : data.xs, ...data.ys] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(element.clientWidth, 320), height: 260 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.series, props.log, props.time, props.title, props.xLabel]);
  return html`<div class="chart" ref=${box} data-metric=${props.title}></div>`;
}
