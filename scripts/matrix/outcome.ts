/**
 * What one runtime of the matrix (scripts/runtime-matrix.ts) produced: the smoke suite's steps as
 * the runtime reported them, and the outcome the result table prints.
 */

export interface Step {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
  error?: string;
}

export interface Outcome {
  runtime: string;
  version: string;
  ok: boolean;
  steps: Step[];
  ms: number;
  /** Why it did not run, or what went wrong outside the steps. */
  problem?: string;
}

/** A runtime that produced no smoke result at all. */
export function failed(runtime: string, started: number, problem: string): Outcome {
  return { runtime, version: "?", ok: false, steps: [], ms: Date.now() - started, problem };
}

/** A runtime that could not be started (its package or install failed): it took no time. */
export function notRun(runtime: string, problem: string): Outcome {
  return { runtime, version: "-", ok: false, steps: [], ms: 0, problem };
}
