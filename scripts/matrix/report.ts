/**
 * The matrix's report (scripts/runtime-matrix.ts): the result table, one row per runtime, then
 * every failed step and problem in full.
 */
import type { Outcome } from "./outcome.js";

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function printTable(outcomes: Outcome[]): void {
  const rows = [
    ["runtime", "version", "result", "steps", "time"],
    ...outcomes.map((outcome) => [
      outcome.runtime,
      outcome.version,
      outcome.ok ? "pass" : "FAIL",
      `${outcome.steps.filter((step) => step.ok).length}/4`,
      seconds(outcome.ms),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
  console.log(`\n${line(rows[0]!)}\n${widths.map((width) => "-".repeat(width)).join("  ")}`);
  for (const row of rows.slice(1)) console.log(line(row));
  for (const outcome of outcomes) {
    for (const step of outcome.steps.filter((candidate) => !candidate.ok))
      console.log(`\n${outcome.runtime}: step "${step.name}" failed: ${step.error}`);
    if (outcome.problem) console.log(`\n${outcome.runtime}: ${outcome.problem}`);
  }
}
