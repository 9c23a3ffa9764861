/**
 * The matrix's browser run (scripts/runtime-matrix.ts): the smoke suite bundled by esbuild with
 * the packed package's ESM entry (scripts/matrix/browser-entry.mjs), served from loopback to
 * Debian's Chromium, headless via playwright-core, against a fresh emulator. Any request outside
 * loopback, page error or unexpected console error fails the run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../chromium.js";
import { startHarness, type StartEmulator } from "./harness.js";
import { failed, type Outcome, type Step } from "./outcome.js";
import { run } from "./package.js";

const CHROMIUM = CHROMIUM_PATH;

// The browser: the suite bundled with the packed package's ESM entry, served from loopback.

export async function runBrowser(app: string, startEmulator: StartEmulator): Promise<Outcome> {
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
