/**
 * `cybrid-id/store` as an entry: its options are checked when a store is made, a wrapped store
 * is still the store it wraps, the client refuses a bare TokenStore with the fix, and the main
 * entry does not carry the protocol (the point of the entry).
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { createCybridId, ValidationError, type TokenStore } from "../../src/index.js";
import { redisTokenStore, type IoRedisLike } from "../../src/redis/index.js";
import { MemoryTokenStore, sharedTokenStore } from "../../src/store/index.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CREDENTIALS = { clientId: "id", clientSecret: "secret-1", baseUrl: "http://127.0.0.1:9" };

/** What `make` throws, or `undefined`. */
function thrownBy(make: () => unknown): any {
  try {
    make();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** What each way of making a store throws for `options` (`undefined`: accepted). */
function errorsFor(options: Record<string, unknown>): unknown[] {
  // The Redis client is never called: making the store only picks the adapter.
  const redis = { defineCommand: () => undefined } as unknown as IoRedisLike;
  return [
    thrownBy(() => sharedTokenStore(new MemoryTokenStore(), options)),
    thrownBy(() => new MemoryTokenStore(options)),
    thrownBy(() => redisTokenStore(redis, { encryptionKey: false, ...options })),
  ];
}

describe("store options", () => {
  it.each([
    ["timeout", -1, "from 0"],
    ["timeout", Number.NaN, "from 0"],
    ["timeout", Number.POSITIVE_INFINITY, "from 0"],
    ["timeout", "250", "from 0"],
    ["timeout", 1500.5, "from 0"], // AbortSignal.timeout throws on a fraction
    ["timeout", 3e9, "from 0"], // past the timer range: a timer would fire after 1 ms
    ["lockTtl", 5e9, "from 1"],
    ["lockTtl", 0, "from 1"],
    ["lockTtl", 0.5, "from 1"],
    ["lockTtl", -5, "from 1"],
    ["lockTtl", Number.NaN, "from 1"],
    ["lockTtl", Number.POSITIVE_INFINITY, "from 1"],
  ])("%s: %s is refused when the store is made", (name, value, bound) => {
    for (const error of errorsFor({ [name]: value })) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        code: "invalid_configuration",
        issues: [`${name} must be an integer ${bound} to 2147483647`],
      });
    }
  });

  it("accepts the bounds and the defaults", () => {
    for (const options of [{}, { timeout: 0, lockTtl: 1 }, { timeout: undefined }])
      expect(errorsFor(options)).toEqual([undefined, undefined, undefined]);
    expect(() => sharedTokenStore(new MemoryTokenStore())).not.toThrow();
    expect(() => new MemoryTokenStore()).not.toThrow();
  });
});

describe("sharedTokenStore", () => {
  it("is the store it wraps: its four methods reach the inner store (a class keeps `this`)", async () => {
    const inner = new MemoryTokenStore();
    const store: TokenStore = sharedTokenStore(inner);
    await store.set("k", "v", 1_000);
    expect(await inner.get("k")).toBe("v");
    expect(await store.get("k")).toBe("v");
    expect(await store.acquire("k", "a", 1_000)).toBe(true);
    expect(await inner.acquire("k", "b", 1_000)).toBe(false);
    await store.release("k", "a");
    expect(await inner.acquire("k", "b", 1_000)).toBe(true);
  });

  it("attaches each client on its own: one store may serve several clients", () => {
    const store = sharedTokenStore(new MemoryTokenStore());
    const context = {
      namespace: async () => ["https://id.example", "id", "tag"],
      logger: { enabled: () => false, log: () => undefined },
      redactor: { add: () => undefined },
      hooks: {},
    };
    const first = store.attach(context);
    const second = store.attach(context);
    expect(first).not.toBe(second);
    expect(typeof first.wrap).toBe("function");
    expect(typeof first.reject).toBe("function");
  });
});

describe("the client's store option", () => {
  it("refuses a bare TokenStore, naming the fix", () => {
    const bare: TokenStore = {
      get: async () => undefined,
      set: async () => undefined,
      acquire: async () => true,
      release: async () => undefined,
    };
    // @ts-expect-error: the types say so too (a TokenStore has no `attach`)
    const error = thrownBy(() => createCybridId({ ...CREDENTIALS, store: bare }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_configuration");
    expect(error.message).toContain("sharedTokenStore()");
  });

  it("takes no store as undefined or (from JavaScript) null", () => {
    expect(() => createCybridId({ ...CREDENTIALS, store: undefined })).not.toThrow();
    expect(() => createCybridId({ ...CREDENTIALS, store: null as never })).not.toThrow();
  });
});

describe("entries", () => {
  async function inputsOf(entry: string): Promise<string[]> {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      metafile: true,
      platform: "neutral",
      format: "esm",
      external: ["openapi-fetch"],
      logLevel: "silent",
    });
    return Object.keys(result.metafile.inputs);
  }

  it("the main entry bundles no store code (type imports only)", async () => {
    const inputs = await inputsOf("src/index.ts");
    expect(inputs).toContain("src/client.ts");
    expect(inputs.filter((path) => path.startsWith("src/store/"))).toEqual([]);
  });

  it("cybrid-id/store is platform neutral and carries the protocol", async () => {
    const inputs = await inputsOf("src/store/index.ts");
    expect(inputs).toEqual(
      expect.arrayContaining(["src/store/shared-fetch.ts", "src/store/memory-store.ts"]),
    );
    expect(inputs.filter((path) => path.startsWith("node:"))).toEqual([]);
  });
});
