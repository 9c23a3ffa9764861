/**
 * The harness of the docs browser suites (test/docs/*.browser.test.ts): the built site served
 * from a local static server, and a headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) that may not leave it. Console errors, page errors, failed or blocked
 * requests and HTTP errors are collected in `problems`: each is a bug (the site must work
 * offline).
 *
 * The suites run in parallel workers; the docs build is shared between them through a lock, so
 * the site is built at most once per run and no worker reads a page another is still writing.
 *
 * Without Chromium the suites are skipped with a warning, except in CI (`CI` set), where they fail.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve, sep } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe } from "vitest";
import { DEFAULT_OUT_DIR, ensureDocs } from "../../scripts/build-docs.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../scripts/chromium.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "test-artifacts");
const CHROMIUM = CHROMIUM_PATH;
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env.CI);

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(
    `\n!!! test/docs/*.browser.test.ts SKIPPED: no Chromium at ${CHROMIUM}.\n` +
      `!!! Install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu), or point CHROMIUM_PATH at one.\n` +
      `!!! (\`npx playwright install\` is not needed. With CI set, these suites fail instead of skipping.)\n`,
  );
}

/** `describe`, or `describe.skip` when there is no Chromium here and CI is not set. */
export const describeDocsBrowser = describe.skipIf(!HAVE_CHROMIUM && !IN_CI);

// ---------------------------------------------------------------------------------------------
// A static server for docs/ and a browser that may not leave it
// ---------------------------------------------------------------------------------------------

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

function serve(dir: string): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const file = resolve(root, `.${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`);
    if ((file !== root && !file.startsWith(root + sep)) || !existsSync(file)) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response
      .writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" })
      .end(readFileSync(file));
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done(server));
  });
}

/**
 * `ensureDocs` under a lock file every test process agrees on: the first suite to get it builds
 * (when the build is stale), the others wait and then find the build fresh. A lock left by a
 * process that died is taken over.
 */
async function ensureDocsShared(): Promise<{ built: boolean }> {
  const key = createHash("sha256").update(DEFAULT_OUT_DIR).digest("hex").slice(0, 16);
  const lock = join(tmpdir(), `cybrid-id-docs-build-${key}.lock`);
  const deadline = Date.now() + 110_000;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (lockHolderDied(lock)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`still waiting for the docs build lock ${lock}`);
    await sleep(100);
  }
  try {
    return ensureDocs();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** True when the pid in the lock file names a process that no longer exists. */
function lockHolderDied(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, "utf8"));
  } catch {
    return false; // released meanwhile: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false; // created, pid not written yet
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export interface DocsBrowser {
  /** `http://127.0.0.1:<port>` of the local server. */
  readonly origin: string;
  /** The one page of the browser; every test navigates it with `open`. */
  readonly page: Page;
  /** Console errors, page errors, failed or blocked requests, HTTP errors: each is a bug. */
  readonly problems: string[];
  /** Milliseconds per step, printed after the suite. */
  readonly timings: Record<string, number>;
  /** A fresh document every time: a hash-only change would keep the previous page loaded. */
  open(path: string): Promise<void>;
}

/**
 * Registers, in the current `describe`, a `beforeAll` that builds the docs if needed, serves
 * them and launches Chromium, and an `afterAll` that closes both and prints the timings.
 */
export function useDocsBrowser(suite: string): DocsBrowser {
  let server: Server | undefined;
  let origin = "";
  let userDataDir: string | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const problems: string[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(
        `CI is set but there is no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (see .ci/run)`,
      );
    }
    let started = Date.now();
    const { built } = await ensureDocsShared();
    timings[built ? "build" : "reuse build"] = Date.now() - started;
    server = await serve(DEFAULT_OUT_DIR);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    started = Date.now();
    userDataDir = mkdtempSync(join(tmpdir(), "cybrid-id-docs-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 1000 },
      offline: false,
    });
    timings.launch = Date.now() - started;
    // Fail a missing element in seconds with a clear locator, not at the 30 s test timeout.
    context.setDefaultTimeout(10_000);
    // Anything but the local server is a dependency on the network: record it and block it.
    await context.route("**/*", async (routed) => {
      const url = routed.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:")) return routed.continue();
      problems.push(`request outside the local server: ${url}`);
      return routed.abort("blockedbyclient");
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) =>
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (Object.keys(timings).length > 0) {
      const summary = Object.entries(timings).map(([step, ms]) => `${step} ${ms} ms`);
      console.info(`docs browser test (${suite}): ${summary.join(", ")}`);
    }
  });

  function currentPage(): Page {
    if (!page)
      throw new Error("the docs browser is not started: useDocsBrowser's beforeAll failed");
    return page;
  }

  return {
    get origin() {
      return origin;
    },
    get page() {
      return currentPage();
    },
    problems,
    timings,
    async open(path: string): Promise<void> {
      const target = currentPage();
      await target.goto("about:blank");
      problems.length = 0;
      await target.goto(`${origin}/${path}`, { waitUntil: "networkidle" });
    },
  };
}
