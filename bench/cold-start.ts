/**
 * Benchmark 5: cold start. A fresh Node process imports the package; the process itself times
 * the `import()` (performance.now() around it) and we also time the whole process from spawn
 * to exit. Baseline: the same for openapi-fetch alone. The two alternate, many times; medians.
 *
 * Both are imported the way a user's code reaches them: openapi-fetch by name, and our entry by
 * the URL of the built file (whose own import of "openapi-fetch" is resolved by name).
 * What is imported is the published ESM entry as tsup builds it (src/index.ts bundled,
 * unminified, platform neutral, openapi-fetch external), built here with esbuild into
 * node_modules/.cache so that a fresh clone needs no `npm run build`.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { compare, median, round } from "./stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT_DIR = `${ROOT}node_modules/.cache/cybrid-id-bench`;

/** The ESM main entry, built like tsup.config.ts builds dist/index.js. */
export async function buildMainEntry(): Promise<string> {
  mkdirSync(OUT_DIR, { recursive: true });
  const outfile = `${OUT_DIR}/index.js`;
  await build({
    entryPoints: [`${ROOT}src/index.ts`],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "node20",
    external: ["openapi-fetch"],
    treeShaking: true,
    logLevel: "silent",
  });
  return pathToFileURL(outfile).href;
}

function importOnce(url: string): Promise<{ importMs: number; processMs: number }> {
  const script = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const processMs = performance.now() - started;
      const importMs = Number(out);
      if (code !== 0 || !Number.isFinite(importMs)) reject(new Error(`import of ${url} failed`));
      else resolve({ importMs, processMs });
    });
  });
}

export async function benchColdStart(runs = 60) {
  const ours = await buildMainEntry();
  // By name, as a user writes it: our entry resolves "openapi-fetch" by name too (from the
  // repository root, the child's cwd), so both sides pay that lookup once.
  const openapiFetch = "openapi-fetch";
  const samples = { ours: [] as number[], openapiFetch: [] as number[] };
  const processes = { ours: [] as number[], openapiFetch: [] as number[] };
  for (let i = -3; i < runs; i++) {
    // Alternate which goes first; the first three pairs warm the disk cache and are dropped.
    const order =
      i % 2 === 0 ? (["ours", "openapiFetch"] as const) : (["openapiFetch", "ours"] as const);
    for (const name of order) {
      const { importMs, processMs } = await importOnce(name === "ours" ? ours : openapiFetch);
      if (i >= 0) {
        samples[name].push(importMs);
        processes[name].push(processMs);
      }
    }
  }
  const { ratio, pairedRatio } = compare(samples.ours, samples.openapiFetch);
  return {
    runs,
    importMs: {
      ours: round(median(samples.ours), 2),
      openapiFetch: round(median(samples.openapiFetch), 2),
    },
    ratio: round(ratio),
    pairedRatio: round(pairedRatio),
    processMs: {
      ours: round(median(processes.ours), 1),
      openapiFetch: round(median(processes.openapiFetch), 1),
      ratio: round(compare(processes.ours, processes.openapiFetch).ratio),
    },
  };
}
