import { median } from './statistics.ts';

/**
 * The one way every benchmark compares Jarvis with its peers, so their figures can be believed
 * on a machine whose speed drifts from minute to minute:
 *
 * - contenders run in alternating order (A B, then B A, …) for at least three rounds, so a slow
 *   spell lands on both sides;
 * - every round's ratio is printed, then the median and the range;
 * - each contender says which configuration it ran (a peer in its best documented one);
 * - a contender's `measure` checks the content of every answer and throws on a wrong one, so a
 *   fast wrong answer never counts.
 *
 * Ratios read "× in Jarvis's favour": ours ÷ theirs for throughput, theirs ÷ ours for times and
 * memory. Above 1 means Jarvis is ahead.
 */
export interface Contender<M> {
  name: string;
  /** The configuration it runs in, printed with the results. */
  setup: string;
  /** One round's measurement; throws when an answer is wrong. */
  measure(round: number): Promise<M>;
}

export interface Figure<M> {
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  of(measurement: M): number;
}

export interface PeerRatio {
  figure: string;
  peer: string;
  ratios: number[];
  median: number;
  min: number;
  max: number;
}

export interface Comparison<M> {
  /** measurements[contender name][round] */
  measurements: Record<string, M[]>;
  ratios: PeerRatio[];
}

/** Rounds from BENCH_ROUNDS, never fewer than `least` unless a smoke test asks for one. */
export function roundsFromEnv(least = 3): number {
  const asked = Number(process.env.BENCH_ROUNDS ?? least);
  return Number.isInteger(asked) && asked > 0 ? asked : least;
}

/** Contenders in round `round`'s order: as given on even rounds, reversed on odd ones. */
export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...contenders] : [...contenders].reverse();
}

const format = (value: number) =>
  Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2);

export async function compareContenders<M>(options: {
  title: string;
  /** Jarvis first; every other contender is a peer it is compared with. */
  contenders: readonly Contender<M>[];
  figures: readonly Figure<M>[];
  rounds?: number;
  log?: (line: string) => void;
}): Promise<Comparison<M>> {
  const log = options.log ?? console.log;
  const rounds = options.rounds ?? roundsFromEnv();
  const [ours, ...peers] = options.contenders;
  if (!ours || peers.length === 0) throw new Error('compareContenders needs Jarvis and at least one peer');
  log(`\n## ${options.title}\n`);
  log(`${rounds} round(s), contenders in alternating order (A B, B A, …); each answer's content checked.`);
  for (const c of options.contenders) log(`- ${c.name}: ${c.setup}`);
  const measurements: Record<string, M[]> = Object.fromEntries(options.contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = roundOrder(options.contenders, round);
    for (const contender of order) measurements[contender.name]!.push(await contender.measure(round));
    const cells = options.figures.map(
      (f) =>
        `${f.label}: ${order.map((c) => `${c.name} ${format(f.of(measurements[c.name]![round]!))} ${f.unit}`).join(', ')}`,
    );
    log(`round ${round + 1} (${order.map((c) => c.name).join(' → ')}): ${cells.join('; ')}`);
  }
  const ratios: PeerRatio[] = [];
  for (const figure of options.figures)
    for (const peer of peers) {
      const perRound = measurements[ours.name]!.map((m, i) => {
        const a = figure.of(m);
        const b = figure.of(measurements[peer.name]![i]!);
        return figure.better === 'higher' ? a / b : b / a;
      });
      ratios.push({
        figure: figure.label,
        peer: peer.name,
        ratios: perRound,
        median: median(perRound),
        min: Math.min(...perRound),
        max: Math.max(...perRound),
      });
    }
  log('');
  log(`| figure | ${ours.name} | peer | peer's | ${ours.name} ÷ peer (median) | range | each round |`);
  log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of ratios) {
    const figure = options.figures.find((f) => f.label === r.figure)!;
    const mid = (name: string) =>
      `${format(median(measurements[name]!.map((m) => figure.of(m))))} ${figure.unit}`;
    log(
      `| ${r.figure} | ${mid(ours.name)} | ${r.peer} | ${mid(r.peer)} | ${r.median.toFixed(2)}× | ${r.min.toFixed(2)}–${r.max.toFixed(2)}× | ${r.ratios.map((x) => x.toFixed(2)).join(' ')} |`,
    );
  }
  log(`(× in ${ours.name}'s favour: above 1 means ${ours.name} is ahead; medians over rounds)`);
  return { measurements, ratios };
}
