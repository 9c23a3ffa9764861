/**
 * `npm run bench:check`: fails (exit 1) naming every broken budget. It reads bench/results.json
 * when that is fresh (written in the last 15 minutes from the same sources: src/, generated/,
 * bench/, package-lock.json); otherwise it runs the suite first (and does not rewrite the file).
 *
 *   tsx bench/check.ts            fresh results.json, or a new run
 *   tsx bench/check.ts --run      always a new run
 */
import { existsSync, readFileSync } from "node:fs";
import { fingerprint, formatTable, RESULTS_PATH, runSuite, type Results } from "./run.js";

const FRESH_MS = 15 * 60_000;

export interface Budget {
  name: string;
  actual: number;
  limit: string;
  ok: boolean;
}

export function budgets(r: Results): Budget[] {
  const atMost = (name: string, actual: number, max: number, unit = ""): Budget => ({
    name,
    actual,
    limit: `<= ${max}${unit}`,
    ok: actual <= max,
  });
  return [
    atMost("cybrid.fetch / hand-written fetch (median ratio)", r.requests.fetchRatio.ratio, 1.05),
    atMost(
      "cybrid.middleware / fixed-header middleware (median ratio)",
      r.requests.middlewareRatio.ratio,
      1.05,
    ),
    atMost("getToken() warm / await + one clock read (ratio)", r.getToken.vsClockFloorRatio, 1.5),
    {
      name: `cold stampede of ${r.stampede.callers}: token requests (every repetition)`,
      actual: r.stampede.maxRequests,
      limit: "== 1",
      ok: r.stampede.maxRequests === 1 && r.stampede.minRequests === 1,
    },
    ...[r.burst, r.largeBurst].flatMap((b) => {
      const name = `burst of ${b.n} customers at ${b.ratePerSecond}/s`;
      return [
        atMost(`${name}: failed calls`, b.paced.failures, 0),
        atMost(`${name}: requests (1.10 N + 10)`, b.paced.requests, b.budget.requests),
        atMost(`${name}: time until all served (1.3 N/R)`, b.paced.ms, b.budget.ms, " ms"),
      ];
    }),
    atMost("size: main entry min+gzip with openapi-fetch (bytes)", r.size.main.gzip, 12_000),
    atMost("cold start: import() / openapi-fetch import() (ratio)", r.coldStart.ratio, 1.5),
  ];
}

function freshResults(): Results | undefined {
  if (process.argv.includes("--run") || !existsSync(RESULTS_PATH)) return undefined;
  const results = JSON.parse(readFileSync(RESULTS_PATH, "utf8")) as Results;
  const age = Date.now() - Date.parse(results.generatedAt);
  if (!(age >= 0 && age < FRESH_MS) || results.fingerprint !== fingerprint()) return undefined;
  console.error(`bench:check: using ${RESULTS_PATH} (${Math.round(age / 1000)} s old)`);
  return results;
}

const results = freshResults() ?? (await runSuite());
console.log(formatTable(results));
console.log("");
const checked = budgets(results);
for (const budget of checked) {
  console.log(`${budget.ok ? "pass" : "FAIL"}  ${budget.name}: ${budget.actual} (${budget.limit})`);
}
const broken = checked.filter((budget) => !budget.ok);
if (broken.length > 0) {
  console.error(`\nbench:check: ${broken.length} budget(s) broken:`);
  for (const budget of broken) {
    console.error(`  - ${budget.name}: ${budget.actual}, budget ${budget.limit}`);
  }
  process.exitCode = 1;
} else {
  console.log("\nbench:check: every budget met");
}
