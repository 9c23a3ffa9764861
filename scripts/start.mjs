/**
 * `npm start`: the pipeline a maintainer runs (spec lint, generate, build), one line per step,
 * then the walkthrough of the built SDK (scripts/walkthrough.mjs). A step's own output (lint
 * banners, build sizes) is kept back and printed only when the step fails: a newcomer reads
 * the tour, not the tools. `npm run lint:spec`, `generate` and `build` show everything.
 */
import { spawnSync } from "node:child_process";

const STEPS = [
  ["lint the spec (Redocly)", "lint:spec"],
  ["generate types, validators and spec data into generated/", "generate"],
  ["build dist/ (tsup)", "build"],
];

for (const [what, script] of STEPS) {
  const started = Date.now();
  const result = spawnSync("npm", ["run", "--silent", script], { encoding: "utf8" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed (npm run ${script}):\n`);
    console.error(`${result.stdout}${result.stderr}`);
    process.exit(result.status ?? 1);
  }
  console.log(`ok  ${what} (${seconds} s)`);
}

const tour = spawnSync(process.execPath, ["scripts/walkthrough.mjs"], { stdio: "inherit" });
process.exit(tour.status ?? 1);
