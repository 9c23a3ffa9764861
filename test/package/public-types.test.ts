/**
 * The published declarations name only public API: the engine's internal types (the fleet
 * protocol's SharedStore and its context, the token layer's fetcher, the logger) must not leak
 * into any entry's .d.ts, where users would see them in completions and code against them.
 *
 * Reads the build that `npm test` makes before vitest; skipped, loudly, without dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));
const ENTRIES = ["index", "store", "redis", "bank-sdk"];
const FILES = ENTRIES.flatMap((entry) => [`${entry}.d.ts`, `${entry}.d.cts`]);
const BUILT = FILES.every((file) => existsSync(DIST + file));
if (!BUILT) {
  // Loud on purpose: a green run without the builds tests less than it seems.
  console.warn(
    "\n*** test/package/public-types: dist/ is absent, SKIPPED. Run `npm run build` first. ***\n",
  );
}

/** Internal names, matched as whole words. */
const INTERNAL = [
  "SharedStore",
  "SharedTokenStore",
  "StoreSettings",
  "StoredToken",
  "TokenStoreContext",
  "TokenFetcher",
  "IssuedToken",
  "Logger",
  "attach",
  "BRAND",
];

/** The internal names a declaration file mentions. */
function internalNamesIn(declarations: string): string[] {
  return INTERNAL.filter((name) => new RegExp(`\\b${name}\\b`).test(declarations));
}

describe("internalNamesIn", () => {
  it("finds a leaked name, and only whole words", () => {
    const leaked = "interface TokenStore { attach(context: TokenStoreContext): SharedStore; }";
    expect(internalNamesIn(leaked)).toEqual(["SharedStore", "TokenStoreContext", "attach"]);
    expect(
      internalNamesIn("type LoggerLike = LogSink; declare function attached(): void;"),
    ).toEqual([]);
  });
});

describe.skipIf(!BUILT)("the published declarations", () => {
  it.each(FILES)("%s names no internal type", (file) => {
    expect(internalNamesIn(readFileSync(DIST + file, "utf8"))).toEqual([]);
  });

  it("index.d.ts declares the store option as a plain TokenStore, with its settings", () => {
    const index = readFileSync(DIST + "index.d.ts", "utf8");
    expect(index).toMatch(/store\?: TokenStore;/);
    expect(index).toMatch(/storeTimeout\?: number;/);
    expect(index).toMatch(/storeLockTtl\?: number;/);
  });
});
