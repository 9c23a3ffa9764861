/**
 * `npm run matrix`: ONE smoke suite (scripts/matrix/smoke.mjs: token, cached token in one
 * request, customer token, a retry after an injected 503 with Retry-After) run from the PACKED
 * package on
 *
 *   node 20   this machine's Node (the one running this script)
 *   node 22   npm package node-<os>-<cpu>@22, the binary the `node@22` package installs
 *   node 24   npm package node-<os>-<cpu>@24
 *   bun       npm package @oven/bun-<os>-<cpu>[-baseline], the binary `bun` installs
 *   deno      npm package @deno/<os>-<cpu>[-glibc], the binary `deno` installs
 *   chromium  Debian's /usr/bin/chromium (CHROMIUM_PATH), headless via playwright-core: the
 *             fetch-only core, bundled by esbuild, against the emulator with `cors: true`
 *
 * The `node`, `bun` and `deno` packages only pick one of those platform packages in an install
 * script (npm here runs no dependency's install script unless approved), so the matrix installs
 * the platform package itself: no script runs, and the binary is the same.
 *
 * Runtimes are cached in .tmp/runtimes/ (git-ignored; MATRIX_RUNTIMES_DIR to move it): the first
 * run downloads them (~570 MB unpacked), later runs reuse them. `--refresh` reinstalls (a newer
 * 22.x, 24.x, bun or deno). The emulator runs in this process on loopback, a fresh one per
 * runtime; each runtime runs the suite as a child process with the emulator's URL in its env.
 *
 *   npm run matrix [-- --refresh] [-- --only node22,deno]
 *
 * Exit status: 1 when any runtime failed (or could not be installed or launched), else 0.
 */
import { mkdtempSync, rmSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBrowser } from "./matrix/browser.js";
import type { StartEmulator } from "./matrix/harness.js";
import { platformPackages, startInstalls } from "./matrix/install.js";
import { notRun, type Outcome } from "./matrix/outcome.js";
import { buildAndPack, createConsumerProject, formatBytes, ROOT } from "./matrix/package.js";
import { printTable, seconds } from "./matrix/report.js";
import { childRuntimes, runChild } from "./matrix/run-child.js";

const args = process.argv.slice(2);
const refresh = args.includes("--refresh");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? "").split(",")) : undefined;
const RUNTIMES_DIR = process.env.MATRIX_RUNTIMES_DIR ?? join(ROOT, ".tmp", "runtimes");
const SMOKE_FILES = ["smoke.mjs", "run-smoke.mjs", "browser-entry.mjs"];

const say = (line: string) => console.log(`[matrix] ${line}`);

async function main(): Promise<number> {
  const started = Date.now();
  const wanted = (id: string) => only === undefined || only.has(id);
  const packages = platformPackages();

  // Install the runtimes (in parallel, while the package builds).
  const installs = startInstalls(packages, wanted, RUNTIMES_DIR, refresh);

  const work = mkdtempSync(join(tmpdir(), "cybrid-id-matrix-"));
  let app: string | undefined;
  const outcomes: Outcome[] = [];
  try {
    const packed = await buildAndPack(work, say);
    say(`tarball: ${packed.name}@${packed.version}, ${formatBytes(packed.size)}`);
    const consumer = await createConsumerProject("cybrid-id-matrix-app-", packed.tarball, [], say);
    app = consumer.dir;
    for (const file of SMOKE_FILES)
      copyFileSync(join(ROOT, "scripts", "matrix", file), join(app, file));
    const require = createRequire(join(app, "package.json"));
    const { startEmulator } = require("cybrid-id/emulator") as { startEmulator: StartEmulator };

    const children = childRuntimes(RUNTIMES_DIR);

    if (wanted("node20")) {
      say(`running: node ${process.versions.node} (this machine)`);
      const outcome = await runChild(
        `node ${process.versions.node.split(".")[0]} (host)`,
        process.execPath,
        ["run-smoke.mjs"],
        app,
        startEmulator,
      );
      outcomes.push(outcome);
    }
    for (const child of children) {
      if (!wanted(child.id)) continue;
      if (typeof packages === "string") {
        outcomes.push(notRun(child.label, packages));
        continue;
      }
      let bin: string;
      try {
        const ready = await installs.get(child.id)!;
        bin = ready.bin;
        say(
          `${child.label}: ${ready.installed ? `installed in ${seconds(ready.ms)}` : "cached"} (${bin})`,
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        outcomes.push(notRun(child.label, `could not install: ${reason}`));
        continue;
      }
      say(`running: ${child.label}`);
      outcomes.push(
        await runChild(child.label, bin, child.args(bin), app, startEmulator, child.env),
      );
    }
    if (wanted("chromium")) {
      say("running: chromium (headless)");
      outcomes.push(await runBrowser(app, startEmulator));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (app !== undefined) rmSync(app, { recursive: true, force: true });
  }

  printTable(outcomes);
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  console.log(
    `\nmatrix: ${outcomes.length - failed} passed, ${failed} failed in ${seconds(Date.now() - started)}`,
  );
  return failed === 0 && outcomes.length > 0 ? 0 : 1;
}

process.exitCode = await main();
