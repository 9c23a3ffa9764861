/**
 * The built hand-written pages (docs/index.html and docs/guide.html) in a real headless
 * Chromium: the index links to the guide and the reference; the guide covers every section,
 * every option of CybridIdOptions and every exported error class, and its in-page links
 * resolve; nothing logs a console error, fails to load, or reaches outside the local server.
 * Also saves a screenshot of the guide to test-artifacts/.
 *
 * The harness (build, server, browser, skipping without Chromium) is in docs-browser.ts.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PAGES } from "../../scripts/build-docs.js";
import { ARTIFACTS, ROOT, describeDocsBrowser, useDocsBrowser } from "./docs-browser.js";

describeDocsBrowser("docs in headless Chromium: the index and the guide", () => {
  const docs = useDocsBrowser("index and guide");

  it("the index links to the guide and the reference", async () => {
    await docs.open(PAGES.index);
    const page = docs.page;
    const main = page.locator("main");
    await expect(main.getByRole("link", { name: "SDK guide" }).getAttribute("href")).resolves.toBe(
      PAGES.guide,
    );
    await main.getByRole("link", { name: "API reference" }).click();
    await page.waitForLoadState("networkidle");
    expect(page.url()).toBe(`${docs.origin}/${PAGES.reference}`);
    await expect(page.getByText("Cybrid Identity API (1.0.0)").first().isVisible()).resolves.toBe(
      true,
    );
    expect(docs.problems).toEqual([]);
  });

  it("the guide covers every section, option and error class", async () => {
    await docs.open(PAGES.guide);
    const page = docs.page;
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
    expect(page.url()).toBe(`${docs.origin}/${PAGES.reference}`);
    expect(docs.problems).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await docs.open(PAGES.guide);
    await page.screenshot({ path: join(ARTIFACTS, "docs-guide.png") });
  });
});

/** The keys of `CybridIdOptions` in src/config/options.ts: the guide must document each. */
function sourceOptionNames(): string[] {
  const source = readFileSync(join(ROOT, "src/config/options.ts"), "utf8");
  const body = /export interface CybridIdOptions \{([\s\S]*?)\n\}/.exec(source)?.[1];
  if (body === undefined) throw new Error("CybridIdOptions not found in src/config/options.ts");
  const names = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((match) => match[1] ?? "");
  expect(names.length).toBeGreaterThan(5);
  return names;
}

/** The error classes src/index.ts exports: the guide must document each. */
function sourceErrorClasses(): string[] {
  const source = readFileSync(join(ROOT, "src/index.ts"), "utf8");
  const names = [...source.matchAll(/\b([A-Z]\w*Error)\b/g)].map((match) => match[1] ?? "");
  return [...new Set(names)];
}
