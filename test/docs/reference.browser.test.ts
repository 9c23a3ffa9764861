/**
 * The built Redoc reference (docs/reference.html) in a real headless Chromium: Redoc is inlined
 * (no remote script, stylesheet or CDN asset); it shows both operations, their request and
 * response schemas and every named example of the spec; nothing logs a console error, fails to
 * load, or reaches outside the local server. Also saves a screenshot to test-artifacts/.
 *
 * The harness (build, server, browser, skipping without Chromium) is in docs-browser.ts; what
 * the spec says the reference must show is in reference-spec.ts.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { expect, it } from "vitest";
import { DEFAULT_OUT_DIR, PAGES } from "../../scripts/build-docs.js";
import { ARTIFACTS, describeDocsBrowser, useDocsBrowser } from "./docs-browser.js";
import { customerScopes, OPERATIONS, route } from "./reference-spec.js";

describeDocsBrowser("docs in headless Chromium: the API reference", () => {
  const docs = useDocsBrowser("reference");

  it("reference.html carries Redoc inline: no remote script, stylesheet or CDN asset", () => {
    const html = readFileSync(join(DEFAULT_OUT_DIR, PAGES.reference), "utf8");
    expect(html).toMatch(/<script[^>]*>[\s\S]{100000,}?<\/script>/);
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
    expect(html).not.toMatch(/cdn\.redoc\.ly/);
  });

  for (const op of OPERATIONS) {
    it(`the reference shows ${op.operationId}: summary, schemas and every named example`, async () => {
      const started = Date.now();
      await docs.open(`${PAGES.reference}#${route(op)}`);
      const page = docs.page;
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
      expect(docs.problems).toEqual([]);
      docs.timings[op.operationId] = Date.now() - started;
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

  it("the customer token's scopes show with their token types, and only customer ones", async () => {
    const op = OPERATIONS.find((candidate) => candidate.operationId === "createCustomerToken");
    if (!op) throw new Error("createCustomerToken is not in the spec");
    await docs.open(`${PAGES.reference}#${route(op)}`);
    const section = docs.page.locator(`[data-section-id="${route(op)}"]`);
    await section.getByRole("heading", { name: op.summary }).waitFor({ state: "visible" });
    const text = await section.innerText();
    const { allowed, others } = customerScopes();
    expect(allowed).toHaveLength(47);
    for (const { value, description } of allowed) {
      expect(description, value).toMatch(/Token types: .*customer\.$/);
      expect(text, value).toContain(value);
      expect(text, value).toContain(description);
    }
    expect(others).toContain("banks:execute");
    for (const value of others) expect(text, value).not.toContain(value);
    expect(docs.problems).toEqual([]);
  });

  it("saves a screenshot of the rendered reference", async () => {
    const op = OPERATIONS.find((candidate) => candidate.operationId === "createCustomerToken");
    if (!op) throw new Error("createCustomerToken is not in the spec");
    await docs.open(`${PAGES.reference}#${route(op)}`);
    const page = docs.page;
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
    expect(docs.problems).toEqual([]);
  });
});

async function expectVisible(locator: Locator, what: string): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  expect(await locator.isVisible(), `${what} is visible`).toBe(true);
}
