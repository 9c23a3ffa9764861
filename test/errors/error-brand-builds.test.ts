/**
 * Error identity across copies of the package: the ESM build (dist/index.js) and the CJS build
 * (dist/index.cjs) loaded in one process, and the subpath entries that bundle their own copy of
 * the classes. `instanceof` and `isCybridIdError` answer by the brand, so an error made by one
 * copy is recognised by the other, both ways, and only as its own class.
 *
 * Needs `npm run build` (as `npm test` does first); skipped, loudly, without dist/.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

type Sdk = typeof import("../../src/index.js");
type Redis = typeof import("../../src/redis/index.js");
type BankSdk = typeof import("../../src/bank-sdk/index.js");

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));
const BUILT = ["index.js", "index.cjs", "redis.cjs", "bank-sdk.cjs"].every((file) =>
  existsSync(DIST + file),
);
if (!BUILT) {
  // Loud on purpose: a green run without the builds tests less than it seems.
  console.warn(
    "\n*** test/errors/error-brand-builds: dist/ is absent, SKIPPED. Run `npm run build` first. ***\n",
  );
}

const require = createRequire(import.meta.url);
const esm = async <T>(file: string) => (await import(pathToFileURL(DIST + file).href)) as T;
const cjs = <T>(file: string) => require(DIST + file) as T;

/** A ValidationError and a RateLimitError made by one copy of the package. */
function errorsOf(sdk: Sdk) {
  return {
    validation: new sdk.ValidationError("Invalid token request", ["scopes must not be empty"]),
    rateLimit: new sdk.RateLimitError("POST /oauth/token failed with 429", {
      code: "rate_limited",
      status: 429,
    }),
  };
}

describe.skipIf(!BUILT)("error identity across the ESM and CJS builds in one process", () => {
  it("the two builds are two copies: different classes", async () => {
    const [fromEsm, fromCjs] = [await esm<Sdk>("index.js"), cjs<Sdk>("index.cjs")];
    expect(fromEsm.ValidationError).not.toBe(fromCjs.ValidationError);
  });

  it.each([
    ["ESM", "CJS"],
    ["CJS", "ESM"],
  ])("an error of the %s build is an instance of the %s build's class", async (maker, checker) => {
    const builds: Record<string, Sdk> = {
      ESM: await esm<Sdk>("index.js"),
      CJS: cjs<Sdk>("index.cjs"),
    };
    const { validation, rateLimit } = errorsOf(builds[maker]!);
    const other = builds[checker]!;
    expect(validation instanceof other.ValidationError).toBe(true);
    expect(validation instanceof other.CybridIdError).toBe(true);
    expect(rateLimit instanceof other.RateLimitError).toBe(true);
    expect(rateLimit instanceof other.CybridIdError).toBe(true);
    // Only as its own class.
    expect(validation instanceof other.RateLimitError).toBe(false);
    expect(rateLimit instanceof other.ValidationError).toBe(false);
    expect(other.isCybridIdError(validation)).toBe(true);
    expect(other.isCybridIdError(validation, "validation_error")).toBe(true);
    expect(other.isCybridIdError(rateLimit, "validation_error")).toBe(false);
    expect(other.isCybridIdError(new Error("x"))).toBe(false);
  });

  it("a subpath entry's error is the main entry's class, in either format", async () => {
    const redis = cjs<Redis>("redis.cjs");
    const thrown = (() => {
      try {
        // No encryptionKey: refused.
        redis.redisTokenStore({ defineCommand: () => undefined } as never, {});
      } catch (error) {
        return error;
      }
    })();
    for (const sdk of [await esm<Sdk>("index.js"), cjs<Sdk>("index.cjs")]) {
      expect(thrown instanceof sdk.ValidationError).toBe(true);
      expect(sdk.isCybridIdError(thrown, "invalid_configuration")).toBe(true);
    }
    const bank = cjs<BankSdk>("bank-sdk.cjs");
    const noToken = new bank.NoUsableTokenError("no token", ["customers:read"]);
    const esmSdk = await esm<Sdk>("index.js");
    expect(noToken instanceof esmSdk.CybridIdError).toBe(true);
    expect(noToken instanceof esmSdk.ValidationError).toBe(false);
    expect(noToken instanceof (await esm<BankSdk>("bank-sdk.js")).NoUsableTokenError).toBe(true);
  });
});
