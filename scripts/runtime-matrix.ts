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
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator, EmulatorOptions, Fault } from "../src/emulator/index.js";
import {
  buildAndPack,
  cleanEnv,
  createConsumerProject,
  describeRun,
  formatBytes,
  ROOT,
  run,
} from "./matrix/package.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.js";

const args = process.argv.slice(2);
const refresh = args.includes("--refresh");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? "").split(",")) : undefined;
const RUNTIMES_DIR = process.env.MATRIX_RUNTIMES_DIR ?? join(ROOT, ".tmp", "runtimes");
const CHROMIUM = CHROMIUM_PATH;
const SMOKE_FILES = ["smoke.mjs", "run-smoke.mjs", "browser-entry.mjs"];
const CHILD_TIMEOUT_MS = 90_000;

const say = (line: string) => console.log(`[matrix] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Step {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
  error?: string;
}

interface Outcome {
  runtime: string;
  version: string;
  ok: boolean;
  steps: Step[];
  ms: number;
  /** Why it did not run, or what went wrong outside the steps. */
  problem?: string;
}

// ---------------------------------------------------------------------------------------------
// Runtimes: which npm package brings which binary, here.

interface Installable {
  /** Directory name under RUNTIMES_DIR. */
  id: string;
  /** An npm spec of a package that ships the binary and has no install script. */
  spec: string;
  /** The binary, relative to the install directory. */
  bin: string;
}

function platformPackages():
  { node: (major: number) => Installable; bun: Installable; deno: Installable } | string {
  const { platform, arch } = process;
  if ((platform !== "linux" && platform !== "darwin") || (arch !== "x64" && arch !== "arm64"))
    return `no runtime packages known for ${platform}-${arch}`;
  const nodePackage = `node-${platform}-${arch}`;
  // Bun's own install script picks the baseline build on x64 CPUs without AVX2.
  const noAvx2 =
    platform === "linux" &&
    arch === "x64" &&
    !/\bavx2\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
  const bunPackage = `@oven/bun-${platform}-${arch === "arm64" ? "aarch64" : "x64"}${noAvx2 ? "-baseline" : ""}`;
  const denoPackage = `@deno/${platform}-${arch}${platform === "linux" ? "-glibc" : ""}`;
  return {
    node: (major) => ({
      id: `node${major}`,
      spec: `${nodePackage}@${major}`,
      bin: `node_modules/${nodePackage}/bin/node`,
    }),
    bun: { id: "bun", spec: `${bunPackage}@1`, bin: `node_modules/${bunPackage}/bin/bun` },
    deno: { id: "deno", spec: `${denoPackage}@2`, bin: `node_modules/${denoPackage}/deno` },
  };
}

/** The binary, from the cache or freshly installed into it. */
async function ensureRuntime(
  runtime: Installable,
): Promise<{ bin: string; installed: boolean; ms: number }> {
  const started = Date.now();
  const dir = join(RUNTIMES_DIR, runtime.id);
  const bin = join(dir, runtime.bin);
  const marker = join(dir, "ready.json");
  const cached = existsSync(marker) && existsSync(bin);
  if (cached && !refresh) {
    const ready = JSON.parse(readFileSync(marker, "utf8")) as { spec: string };
    if (ready.spec === runtime.spec) return { bin, installed: false, ms: Date.now() - started };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ private: true }, null, 2)}\n`);
  const install = await run(
    "npm",
    [
      "install",
      runtime.spec,
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--no-package-lock",
      "--prefer-offline",
    ],
    { cwd: dir, timeoutMs: 900_000 },
  );
  if (install.code !== 0 || !existsSync(bin))
    throw new Error(describeRun(`npm install ${runtime.spec}`, install));
  writeFileSync(
    marker,
    `${JSON.stringify({ spec: runtime.spec, installedAt: new Date().toISOString() })}\n`,
  );
  return { bin, installed: true, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------
// The emulator (from the packed package) and the control server the suite drives it through.

/** A runtime that produced no smoke result at all. */
function failed(runtime: string, started: number, problem: string): Outcome {
  return { runtime, version: "?", ok: false, steps: [], ms: Date.now() - started, problem };
}

type StartEmulator = (options?: EmulatorOptions) => Promise<Emulator>;

interface Harness {
  emulator: Emulator;
  controlUrl: string;
  close(): Promise<void>;
}

async function startHarness(startEmulator: StartEmulator): Promise<Harness> {
  const emulator = await startEmulator({ cors: true, tokenTtlSeconds: 600 });
  const control: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, {
        "content-type": "application/json",
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": "content-type",
      });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? "/", "http://control");
    if (request.method === "OPTIONS") return send(204, {});
    if (request.method === "GET" && url.pathname === "/count")
      return send(200, { count: emulator.count(url.searchParams.get("path") ?? undefined) });
    if (request.method === "POST" && url.pathname === "/inject") {
      let body = "";
      request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        try {
          emulator.inject(JSON.parse(body) as Fault);
          send(200, { ok: true });
        } catch (error) {
          send(400, { error: String(error) });
        }
      });
      return;
    }
    send(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  const { port } = control.address() as AddressInfo;
  return {
    emulator,
    controlUrl: `http://127.0.0.1:${port}`,
    async close() {
      control.closeAllConnections();
      await new Promise((resolve) => control.close(resolve));
      await emulator.close();
    },
  };
}

/** The `SMOKE_RESULT {...}` line a child printed. */
function parseResult(
  output: string,
): { runtime: string; version: string; steps: Step[] } | undefined {
  const line = output.split("\n").find((candidate) => candidate.startsWith("SMOKE_RESULT "));
  return line === undefined ? undefined : JSON.parse(line.slice("SMOKE_RESULT ".length));
}

async function runChild(
  label: string,
  command: string,
  commandArgs: string[],
  app: string,
  startEmulator: StartEmulator,
  extraEnv: Record<string, string> = {},
): Promise<Outcome> {
  const started = Date.now();
  const harness = await startHarness(startEmulator);
  try {
    const env = cleanEnv({
      ...extraEnv,
      NO_COLOR: "1",
      MATRIX_EMULATOR_URL: harness.emulator.url,
      MATRIX_CONTROL_URL: harness.controlUrl,
      MATRIX_CLIENT_ID: harness.emulator.clientId,
      MATRIX_CLIENT_SECRET: harness.emulator.clientSecret,
    });
    const result = await run(command, commandArgs, { cwd: app, env, timeoutMs: CHILD_TIMEOUT_MS });
    const parsed = parseResult(result.stdout);
    if (parsed === undefined)
      return failed(
        label,
        started,
        describeRun(`${label}: ${[command, ...commandArgs].join(" ")}`, result),
      );
    const ok =
      result.code === 0 && parsed.steps.length === 4 && parsed.steps.every((step) => step.ok);
    return {
      runtime: label,
      version: parsed.version,
      ok,
      steps: parsed.steps,
      ms: Date.now() - started,
      ...(ok || parsed.steps.some((step) => !step.ok)
        ? {}
        : { problem: describeRun(`${label}`, result) }),
    };
  } finally {
    await harness.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The browser: the suite bundled with the packed package's ESM entry, served from loopback.

async function runBrowser(app: string, startEmulator: StartEmulator): Promise<Outcome> {
  const label = "chromium (headless)";
  const started = Date.now();
  if (!existsSync(CHROMIUM))
    return {
      runtime: label,
      version: "-",
      ok: false,
      steps: [],
      ms: 0,
      problem: `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`,
    };
  const { build } = await import("esbuild");
  const out = join(app, "browser");
  mkdirSync(out, { recursive: true });
  // One file: the suite, the packed package's ESM main entry (the `import`/`browser`
  // conditions), openapi-fetch. Resolved from the consumer project, not the repo.
  await build({
    absWorkingDir: app,
    entryPoints: [join(app, "browser-entry.mjs")],
    outfile: join(out, "smoke.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "silent",
  });
  writeFileSync(
    join(out, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>cybrid-id smoke</title><script type="module" src="/smoke.js"></script>\n`,
  );
  const files: Record<string, { type: string; body: Buffer }> = {
    "/": { type: "text/html", body: readFileSync(join(out, "index.html")) },
    "/smoke.js": { type: "text/javascript", body: readFileSync(join(out, "smoke.js")) },
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? "/", "http://page").pathname];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
    response.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const harness = await startHarness(startEmulator);
  const userDataDir = mkdtempSync(join(tmpdir(), "cybrid-id-matrix-chromium-"));
  const problems: string[] = [];
  let injected503Seen = false;
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    // Loopback only: the page, the emulator, the control server. Anything else is a bug.
    await context.route("**/*", async (routed) => {
      if (routed.request().url().startsWith("http://127.0.0.1:")) return routed.continue();
      problems.push(`request outside loopback: ${routed.request().url()}`);
      return routed.abort("blockedbyclient");
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // The browser logs every non-2xx response; the suite injects exactly one 503.
      const expected = /Failed to load resource: .*status of 503/.test(message.text());
      if (message.type() === "error" && !(expected && !injected503Seen)) {
        problems.push(`console error: ${message.text()}`);
      }
      if (expected) injected503Seen = true;
    });
    const query = new URLSearchParams({
      emulator: harness.emulator.url,
      control: harness.controlUrl,
      clientId: harness.emulator.clientId,
      clientSecret: harness.emulator.clientSecret,
    });
    await page.goto(`${origin}/?${query}`);
    await page.waitForFunction(() => "__smoke" in window, undefined, { timeout: 20_000 });
    const result = (await page.evaluate(
      () => (window as unknown as { __smoke: Promise<unknown> }).__smoke,
    )) as { version: string; steps: Step[] };
    // The user agent says 156.0.0.0 (reduced); the binary knows its full version.
    const printed = await run(CHROMIUM, ["--version"], { timeoutMs: 20_000 });
    const version = /([\d]+\.[\d.]+)/.exec(printed.stdout)?.[1] ?? result.version;
    const ok =
      result.steps.length === 4 && result.steps.every((step) => step.ok) && problems.length === 0;
    return {
      runtime: label,
      version,
      ok,
      steps: result.steps,
      ms: Date.now() - started,
      ...(problems.length > 0 ? { problem: problems.join("\n") } : {}),
    };
  } catch (error) {
    return failed(label, started, [String(error), ...problems].join("\n"));
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    await harness.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// ---------------------------------------------------------------------------------------------

function printTable(outcomes: Outcome[]): void {
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

async function main(): Promise<number> {
  const started = Date.now();
  const wanted = (id: string) => only === undefined || only.has(id);
  const packages = platformPackages();

  // Install the runtimes (in parallel, while the package builds).
  const installs = new Map<string, Promise<{ bin: string; installed: boolean; ms: number }>>();
  if (typeof packages !== "string") {
    for (const runtime of [packages.node(22), packages.node(24), packages.bun, packages.deno]) {
      if (!wanted(runtime.id)) continue;
      const promise = ensureRuntime(runtime);
      promise.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
      installs.set(runtime.id, promise);
    }
  }

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

    const children: Array<{
      id: string;
      label: string;
      args: (bin: string) => string[];
      env?: Record<string, string>;
    }> = [
      { id: "node22", label: "node 22", args: () => ["run-smoke.mjs"] },
      { id: "node24", label: "node 24", args: () => ["run-smoke.mjs"] },
      // --no-install: Bun never fetches a missing import from the registry.
      { id: "bun", label: "bun", args: () => ["--no-install", "run-smoke.mjs"] },
      {
        id: "deno",
        label: "deno",
        // Least privilege: loopback and the suite's four variables. The SDK must work without
        // env access: Deno throws NotCapable for a read it was not allowed.
        args: () => [
          "run",
          "--no-prompt",
          "--cached-only",
          "--node-modules-dir=manual",
          "--allow-net=127.0.0.1",
          `--allow-env=${[
            "MATRIX_EMULATOR_URL",
            "MATRIX_CONTROL_URL",
            "MATRIX_CLIENT_ID",
            "MATRIX_CLIENT_SECRET",
          ].join(",")}`,
          "run-smoke.mjs",
        ],
        env: { DENO_DIR: join(RUNTIMES_DIR, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" },
      },
    ];

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
        outcomes.push({
          runtime: child.label,
          version: "-",
          ok: false,
          steps: [],
          ms: 0,
          problem: packages,
        });
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
        outcomes.push({
          runtime: child.label,
          version: "-",
          ok: false,
          steps: [],
          ms: 0,
          problem: `could not install: ${error instanceof Error ? error.message : String(error)}`,
        });
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
