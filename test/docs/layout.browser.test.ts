/**
 * The site as a reader sees it, at a desktop width (1400 px) and a phone width (390 px): code
 * in the guide is highlighted, the contents follow the reader, nothing widens the page (wide
 * tables scroll inside themselves, visibly), the header never breaks inside a link, the
 * reference links back to the guide, and the index gives the install line and the version.
 * Screenshots of every page at both widths go to test-artifacts/.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PAGES } from "../../scripts/build-docs.js";
import { ARTIFACTS, ROOT, describeDocsBrowser, useDocsBrowser } from "./docs-browser.js";

const WIDTHS = [
  { name: "desktop", width: 1400, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

describeDocsBrowser("docs in headless Chromium: layout at desktop and phone widths", () => {
  const docs = useDocsBrowser("layout");

  for (const viewport of WIDTHS) {
    it(`${viewport.name} (${viewport.width} px): nothing widens the page, the header keeps its links whole`, async () => {
      await docs.page.setViewportSize(viewport);
      mkdirSync(ARTIFACTS, { recursive: true });
      for (const name of [PAGES.index, PAGES.guide, PAGES.reference]) {
        await docs.open(name);
        const page = docs.page;
        await page.locator("header.site").waitFor({ state: "visible" });
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow, `${name} is wider than the screen`).toBeLessThanOrEqual(0);
        // A link broken over two lines has two client rects.
        const lines = await page
          .locator("header.site a, header.site strong")
          .evaluateAll((items) => items.map((item) => item.getClientRects().length));
        expect(lines, `${name}: header items`).toEqual([1, 1, 1, 1]);
        await page.screenshot({
          path: join(ARTIFACTS, `docs-${name.replace(".html", "")}-${viewport.width}.png`),
        });
        expect(docs.problems).toEqual([]);
      }
    });

    it(`${viewport.name}: the guide's code is highlighted and its wide tables scroll visibly`, async () => {
      await docs.page.setViewportSize(viewport);
      await docs.open(PAGES.guide);
      const page = docs.page;
      const keyword = page.locator("pre code.hljs .hljs-keyword").first();
      await keyword.waitFor({ state: "visible" });
      const colours = await keyword.evaluate((element) => ({
        keyword: getComputedStyle(element).color,
        text: getComputedStyle(element.closest("pre") ?? element).color,
      }));
      expect(colours.keyword).not.toBe(colours.text);
      // What a reader sees of it, at this width: the first TypeScript block, highlighted.
      await page.locator("pre code.language-ts").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, `docs-guide-code-${viewport.width}.png`) });
      expect(await page.locator("script[src]").count()).toBe(0);

      const tables = await page.locator("main table").evaluateAll((items) =>
        items.map((table) => ({
          wider: table.scrollWidth > table.clientWidth,
          overflowX: getComputedStyle(table).overflowX,
          shadows: getComputedStyle(table).backgroundImage.includes("gradient"),
        })),
      );
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        expect(table.shadows).toBe(true);
        if (table.wider) expect(table.overflowX).toBe("auto");
      }
      // At phone width the options table cannot fit: it is the one that must scroll.
      if (viewport.width < 800) expect(tables.some((table) => table.wider)).toBe(true);
      expect(docs.problems).toEqual([]);
    });

    it(`${viewport.name}: the contents follow the reader to every section`, async () => {
      await docs.page.setViewportSize(viewport);
      await docs.open(PAGES.guide);
      const page = docs.page;
      const nav = page.locator("nav.toc");
      const errorsLink = nav.locator('a[href="#errors"]');
      if (viewport.width < 800) {
        // Folded into a bar; it opens, and a jump folds it again.
        await expect(errorsLink.isVisible()).resolves.toBe(false);
        await nav.locator("summary").click();
      }
      await errorsLink.click();
      await page.waitForFunction(
        () => document.getElementById("errors")!.getBoundingClientRect().top < 120,
      );
      const box = await nav.boundingBox();
      expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
      expect(box?.y ?? Infinity).toBeLessThan(viewport.height / 2);
      await expect(errorsLink.getAttribute("aria-current")).resolves.toBe("true");
      if (viewport.width < 800) {
        await expect(errorsLink.isVisible()).resolves.toBe(false);
        await expect(nav.locator("summary").isVisible()).resolves.toBe(true);
      }
      expect(docs.problems).toEqual([]);
    });

    it(`${viewport.name}: the reference links back to the guide; the index gives install line and version`, async () => {
      await docs.page.setViewportSize(viewport);
      await docs.open(PAGES.reference);
      const page = docs.page;
      const back = page.locator("header.site").getByRole("link", { name: "SDK guide" });
      await expect(back.isVisible()).resolves.toBe(true);
      await back.click();
      await page.waitForLoadState("networkidle");
      expect(page.url()).toBe(`${docs.origin}/${PAGES.guide}`);

      await docs.open(PAGES.index);
      const { name, version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
        name: string;
        version: string;
      };
      const main = page.locator("main");
      await expect(main.locator("pre").first().innerText()).resolves.toContain(
        `npm install ${name}`,
      );
      await expect(main.locator(".version").innerText()).resolves.toContain(version);
      expect(docs.problems).toEqual([]);
    });
  }
});
