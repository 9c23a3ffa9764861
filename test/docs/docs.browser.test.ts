/**
 * The built docs in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): the Redoc reference shows both operations, their request and response
 * schemas and every named example of the spec; the guide covers every option and error class;
 * nothing logs a console error, fails to load, or reaches outside the local server (the site
 * must work offline).
 *
 * Without Chromium the suite is skipped with a warning, except in CI (`CI` set), where it fails.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { DEFAULT_OUT_DIR, PAGES, ensureDocs } from "../../scripts/build-docs.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../scripts/chromium.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ARTIFACTS = join(ROOT, "test-artifacts");
const CHROMIUM = CHROMIUM_PATH;
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env.CI);

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(
    `\n!!! test/docs/docs.browser.test.ts SKIPPED: no Chromium at ${CHROMIUM}.\n` +
      `!!! Install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu), or point CHROMIUM_PATH at one.\n` +
      `!!! (\`npx playwright install\` is not needed. With CI set, this suite fails instead of skipping.)\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// What the spec says the reference must show
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const spec = parseYaml(readFileSync(join(ROOT, "spec/openapi.yaml"), "utf8")) as Json;

function deref(node: unknown): Json {
  let current = node as Json;
  for (let depth = 0; typeof current?.$ref === "string" && depth < 10; depth++) {
    const path = (current.$ref as string).replace(/^#\//, "").split("/");
    current = path.reduce<unknown>((at, key) => (at as Json)[key], spec) as Json;
  }
  return current;
}

interface ExampleCase {
  code: string;
  name: string;
  label: string;
  value: unknown;
}

interface OperationCase {
  operationId: string;
  summary: string;
  tag: string;
  requestProperties: string[];
  responses: { code: string; properties: string[] }[];
  examples: ExampleCase[];
}

function properties(schema: unknown): string[] {
  const resolved = deref(schema);
  return resolved?.properties ? Object.keys(resolved.properties as Json) : [];
}

function operations(): OperationCase[] {
  const result: OperationCase[] = [];
  for (const pathItem of Object.values(spec.paths as Json)) {
    for (const raw of Object.values(pathItem as Json)) {
      const op = raw as Json;
      const body = deref(op.requestBody);
      const firstMedia = Object.values((body?.content as Json | undefined) ?? {})[0] as Json;
      const responses: OperationCase["responses"] = [];
      const examples: ExampleCase[] = [];
      for (const [code, rawResponse] of Object.entries(op.responses as Json)) {
        const response = deref(rawResponse);
        const media = (response.content as Json | undefined)?.["application/json"] as
          Json | undefined;
        responses.push({ code, properties: properties(media?.schema) });
        for (const [name, rawExample] of Object.entries((media?.examples as Json) ?? {})) {
          const example = deref(rawExample);
          const label = typeof example.summary === "string" ? example.summary : name;
          examples.push({ code, name, label, value: example.value });
        }
      }
      result.push({
        operationId: op.operationId as string,
        summary: op.summary as string,
        tag: (op.tags as string[])[0] ?? "",
        requestProperties: properties(firstMedia?.schema),
        responses,
        examples,
      });
    }
  }
  return result;
}

const OPERATIONS = operations();

/** Redoc 3's hash route of an operation: `#/<tag slug>/<operationId, lower case>`. */
function route(op: OperationCase): string {
  const tag = op.tag.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return `/${tag}/${op.operationId.toLowerCase()}`;
}

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

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)("docs in headless Chromium", () => {
  let server: Server;
  let origin: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  /** Console errors, page errors, failed or blocked requests, HTTP errors: each is a bug. */
  const problems: string[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(
        `CI is set but there is no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (see .ci/run)`,
      );
    }
    let started = Date.now();
    const { built } = ensureDocs();
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
      console.info(`docs browser test: ${summary.join(", ")}`);
    }
  });

  /** A fresh document every time: a hash-only change would keep the previous page loaded. */
  async function open(path: string): Promise<void> {
    await page.goto("about:blank");
    problems.length = 0;
    await page.goto(`${origin}/${path}`, { waitUntil: "networkidle" });
  }

  it("reference.html carries Redoc inline: no remote script, stylesheet or CDN asset", () => {
    const html = readFileSync(join(DEFAULT_OUT_DIR, PAGES.reference), "utf8");
    expect(html).toMatch(/<script[^>]*>[\s\S]{100000,}?<\/script>/);
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
    expect(html).not.toMatch(/cdn\.redoc\.ly/);
  });

  it("the index links to the guide and the reference", async () => {
    await open(PAGES.index);
    const main = page.locator("main");
    await expect(main.getByRole("link", { name: "SDK guide" }).getAttribute("href")).resolves.toBe(
      PAGES.guide,
    );
    await main.getByRole("link", { name: "API reference" }).click();
    await page.waitForLoadState("networkidle");
    expect(page.url()).toBe(`${origin}/${PAGES.reference}`);
    await expect(page.getByText("Cybrid Identity API (1.0.0)").first().isVisible()).resolves.toBe(
      true,
    );
    expect(problems).toEqual([]);
  });

  for (const op of OPERATIONS) {
    it(`the reference shows ${op.operationId}: summary, schemas and every named example`, async () => {
      const started = Date.now();
      await open(`${PAGES.reference}#${route(op)}`);
      const section = page.locator(`[data-section-id="${route(op)}"]`);
      await section.getByRole("heading", { name: op.summary }).waitFor({ state: "visible" });

      // Request schema: every property of the request body.
      expect(op.requestProperties.length).toBeGreaterThan(0);
      for (const name of op.requestProperties) {
        await expectVisible(section.getByText(name, { exact: true }).first(), `request ${name}`);
      }

      // Response schemas: each status tab of the middle panel shows its body's properties.
      const statuses = section.getByRole("tablist", { name: "Response status" });
      for (const response of op.responses) {
        await statuses.getByRole("tab", { name: response.code, exact: true }).click();
        for (const name of response.properties) {
          await expectVisible(
            section.getByText(name, { exact: true }).first(),
            `${response.code} response ${name}`,
          );
        }
      }

      // Named examples: selected one by one in the response samples panel, shown verbatim.
      const samples = section.locator(".panel-response-samples");
      const shown: string[] = [];
      for (const code of new Set(op.examples.map((example) => example.code))) {
        const ofCode = op.examples.filter((example) => example.code === code);
        await samples.getByRole("button", { name: code, exact: true }).click();
        for (const example of ofCode) {
          if (ofCode.length > 1) {
            await samples.getByRole("button", { name: "Example" }).click();
            await page.getByRole("menuitem", { name: example.label, exact: true }).click();
          }
          const text = await samples.getByTestId("json-viewer").innerText();
          expect(JSON.parse(text), `${code} example ${example.name}`).toEqual(example.value);
          shown.push(`${code} ${example.name}`);
        }
      }
      expect(shown).toEqual(op.examples.map((example) => `${example.code} ${example.name}`));
      expect(problems).toEqual([]);
      timings[op.operationId] = Date.now() - started;
    });
  }

  it("the spec's well-known examples are among those checked", () => {
    const names = new Set(OPERATIONS.flatMap((op) => op.examples.map((example) => example.name)));
    for (const name of ["expired_signature", "invalid_scope", "no_customer", "rate_limited"]) {
      expect(names).toContain(name);
    }
    const customerToken = OPERATIONS.find((op) => op.operationId === "createCustomerToken");
    expect(customerToken?.requestProperties).toEqual(["customer_guid", "scopes"]);
    const accessToken = OPERATIONS.find((op) => op.operationId === "createAccessToken");
    expect(accessToken?.responses.find((r) => r.code === "200")?.properties).toContain(
      "expires_in",
    );
  });

  it("the guide covers every section, option and error class", async () => {
    await open(PAGES.guide);
    const sections = await page.locator("main h2").allInnerTexts();
    expect(sections).toEqual([
      "Quick start",
      "Configuration",
      "Caching and refresh",
      "Shared store",
      "Retries",
      "Errors",
      "CLI",
      "Testing with the emulator",
    ]);
    // Every option of CybridIdOptions is a row of the configuration table.
    const optionRows = await page
      .locator("#configuration ~ table")
      .first()
      .locator("tbody tr td:first-child")
      .allInnerTexts();
    for (const option of sourceOptionNames()) expect(optionRows).toContain(option);
    // Every exported error class is a row of the errors table.
    const errorRows = await page
      .locator("#errors ~ table")
      .first()
      .locator("tbody tr td:first-child")
      .allInnerTexts();
    for (const name of sourceErrorClasses()) {
      if (name !== "CybridIdError") expect(errorRows).toContain(name);
    }
    // In-page links resolve to headings.
    for (const href of await page
      .locator('main a[href^="#"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""))) {
      expect(await page.locator(`[id="${href.slice(1)}"]`).count(), href).toBe(1);
    }
    await page.locator('main a[href="reference.html"]').first().click();
    await page.waitForLoadState("networkidle");
    expect(page.url()).toBe(`${origin}/${PAGES.reference}`);
    expect(problems).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await open(PAGES.guide);
    await page.screenshot({ path: join(ARTIFACTS, "docs-guide.png") });
  });

  it("saves a screenshot of the rendered reference", async () => {
    const op = OPERATIONS.find((candidate) => candidate.operationId === "createCustomerToken");
    if (!op) throw new Error("createCustomerToken is not in the spec");
    await open(`${PAGES.reference}#${route(op)}`);
    const section = page.locator(`[data-section-id="${route(op)}"]`);
    await section.getByRole("heading", { name: op.summary }).waitFor({ state: "visible" });
    const samples = section.locator(".panel-response-samples");
    await samples.getByRole("button", { name: "401", exact: true }).click();
    await samples.getByRole("button", { name: "Example" }).click();
    await page.getByRole("menuitem", { name: "Expired signature", exact: true }).click();
    mkdirSync(ARTIFACTS, { recursive: true });
    // Tall enough for the operation, its body schema and the selected 401 example; a full-page
    // shot would paint Redoc's sticky sidebar halfway down.
    await page.setViewportSize({ width: 1440, height: 1700 });
    await section.getByRole("heading", { name: op.summary }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "docs-reference.png") });
    expect(problems).toEqual([]);
  });
});

async function expectVisible(locator: Locator, what: string): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  expect(await locator.isVisible(), `${what} is visible`).toBe(true);
}

/** The keys of `CybridIdOptions` in src/options.ts: the guide must document each. */
function sourceOptionNames(): string[] {
  const source = readFileSync(join(ROOT, "src/options.ts"), "utf8");
  const body = /export interface CybridIdOptions \{([\s\S]*?)\n\}/.exec(source)?.[1];
  if (body === undefined) throw new Error("CybridIdOptions not found in src/options.ts");
  const names = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((match) => match[1] ?? "");
  expect(names.length).toBeGreaterThan(5);
  return names;
}

/** The error classes src/index.ts exports: the guide must document each. */
function sourceErrorClasses(): string[] {
  const source = readFileSync(join(ROOT, "src/index.ts"), "utf8");
  const names = [...source.matchAll(/\b(\w+Error)\b/g)].map((match) => match[1] ?? "");
  return [...new Set(names)];
}
