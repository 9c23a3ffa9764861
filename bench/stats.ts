/**
 * Statistics and the interleaving harness shared by the benchmarks. Every figure is measured
 * side by side with its baseline: each round runs every variant once, in an order that rotates
 * from round to round, so drift on a shared machine (another process, CPU frequency, GC
 * pressure) hits all variants alike; the figures are medians over the rounds.
 */

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile (q in [0, 1]). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (position - low);
}

/** One sample: runs the work once and returns its duration in ms. */
export type Sampler = () => Promise<number>;

export interface InterleaveOptions {
  /** Rounds measured (after the warm-up rounds). */
  rounds: number;
  /** Rounds run first and thrown away (JIT, sockets, caches). */
  warmupRounds: number;
  /** Stop early (with at least `minRounds`) when this much wall time has gone. */
  maxMs?: number;
  minRounds?: number;
}

/** Runs the samplers in interleaved rounds; returns each one's samples (ms), by name. */
export async function interleave<K extends string>(
  samplers: Record<K, Sampler>,
  options: InterleaveOptions,
): Promise<Record<K, number[]>> {
  const names = Object.keys(samplers) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  const started = performance.now();
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    const measured = round - options.warmupRounds;
    if (
      measured >= (options.minRounds ?? options.rounds) &&
      options.maxMs !== undefined &&
      performance.now() - started > options.maxMs
    ) {
      break;
    }
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as K;
      const ms = await samplers[name]();
      if (measured >= 0) samples[name].push(ms);
    }
  }
  return samples;
}

/** Median of A over median of B, and the median of the per-round ratios A/B (a check on it). */
export function compare(a: readonly number[], b: readonly number[]) {
  const paired = a.map((value, i) => value / (b[i] ?? Number.NaN));
  return { ratio: median(a) / median(b), pairedRatio: median(paired) };
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
