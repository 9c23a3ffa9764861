/**
 * The client's `store` option and its settings: any TokenStore is taken as is, `storeTimeout`
 * and `storeLockTtl` are checked by `createCybridId`, and the entries carry what they should
 * (the protocol in the main entry, the stores in theirs).
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { createCybridId, ValidationError, type TokenStore } from "../../src/index.js";
import { redisTokenStore, secureTokenStore } from "../../src/redis/index.js";
import { MemoryTokenStore } from "../../src/store/index.js";
import { clientFor, emulator, thrownBy } from "../helpers/client-harness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CREDENTIALS = { clientId: "id", clientSecret: "secret-1", baseUrl: "http://127.0.0.1:9" };

describe("storeTimeout and storeLockTtl", () => {
  it.each([
    ["storeTimeout", -1, "from 0"],
    ["storeTimeout", Number.NaN, "from 0"],
    ["storeTimeout", Number.POSITIVE_INFINITY, "from 0"],
    ["storeTimeout", "250", "from 0"],
    ["storeTimeout", 1500.5, "from 0"], // AbortSignal.timeout throws on a fraction
    ["storeTimeout", 3e9, "from 0"], // past the timer range: a timer would fire after 1 ms
    ["storeLockTtl", 5e9, "from 1"],
    ["storeLockTtl", 0, "from 1"],
    ["storeLockTtl", 0.5, "from 1"],
    ["storeLockTtl", -5, "from 1"],
    ["storeLockTtl", Number.NaN, "from 1"],
    ["storeLockTtl", Number.POSITIVE_INFINITY, "from 1"],
  ])("%s: %s is refused by createCybridId, with or without a store", (name, value, bound) => {
    for (const store of [new MemoryTokenStore(), undefined]) {
      const error = thrownBy(() => createCybridId({ ...CREDENTIALS, store, [name]: value }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        code: "invalid_configuration",
        issues: [`${name} must be an integer ${bound} to 2147483647`],
      });
    }
  });

  it("accepts the bounds and the defaults", () => {
    const store = new MemoryTokenStore();
    for (const options of [{}, { storeTimeout: 0, storeLockTtl: 1 }, { storeTimeout: undefined }])
      expect(() => createCybridId({ ...CREDENTIALS, store, ...options })).not.toThrow();
  });
});

describe("the client's store option", () => {
  it("takes a plain TokenStore: an object literal, or a class whose methods keep `this`", async () => {
    const emu = await emulator();
    const inner = new MemoryTokenStore();
    const plain: TokenStore = {
      get: (key) => inner.get(key),
      set: (key, value, ttlMs) => inner.set(key, value, ttlMs),
      acquire: (key, fence, ttlMs) => inner.acquire(key, fence, ttlMs),
      release: (key, fence) => inner.release(key, fence),
    };
    const first = await clientFor(emu, { store: plain }).getToken();
    // The class, given as is, reads what the literal wrote: one token request for both.
    const second = await clientFor(emu, { store: inner }).getToken();
    expect(second.accessToken).toBe(first.accessToken);
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it.each([
    ["an empty object", {}],
    ["a store without release", { get() {}, set() {}, acquire() {} }],
    ["a method that is not a function", { get() {}, set() {}, acquire() {}, release: true }],
    ["a string", "redis://localhost"],
  ])("refuses %s: ValidationError (invalid_configuration) at createCybridId", (_, store) => {
    const error = thrownBy(() => createCybridId({ ...CREDENTIALS, store: store as never }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: "invalid_configuration",
      issues: ["store must be a TokenStore: get, set, acquire and release methods"],
    });
  });

  it("takes no store as undefined or (from JavaScript) null", () => {
    expect(() => createCybridId({ ...CREDENTIALS, store: undefined })).not.toThrow();
    expect(() => createCybridId({ ...CREDENTIALS, store: null as never })).not.toThrow();
  });
});

describe("the stores' own timeout and lockTtl of before v2 (now the client's options)", () => {
  const moved = [
    ["timeout", "storeTimeout", 250],
    ["lockTtl", "storeLockTtl", 10_000],
  ] as const;

  it.each(moved)("new MemoryTokenStore({ %s }) is refused, naming %s", (name, now, value) => {
    // @ts-expect-error: the store takes no options (TypeScript says so; JavaScript did not)
    const error = thrownBy(() => new MemoryTokenStore({ [name]: value }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "invalid_configuration" });
    expect(error.message).toContain(`${name} is now the client's option ${now}`);
  });

  it.each(moved)("secureTokenStore(store, { %s }) is refused, naming %s", (name, now, value) => {
    const options = { encryptionKey: false, [name]: value } as const;
    const error = thrownBy(() => secureTokenStore(new MemoryTokenStore(), options));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "invalid_configuration" });
    expect(error.message).toContain(`${name} is now the client's option ${now}`);
  });

  it("both together are named in one error; no options, or undefined ones, are fine", () => {
    const error = thrownBy(() => new (MemoryTokenStore as any)({ timeout: 1, lockTtl: 2 }));
    expect(error.issues).toHaveLength(2);
    expect(error.message).toMatch(/storeTimeout.*storeLockTtl/);
    expect(() => new MemoryTokenStore()).not.toThrow();
    expect(() => new MemoryTokenStore({})).not.toThrow();
    expect(() => new (MemoryTokenStore as any)({ timeout: undefined })).not.toThrow();
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

  it("a store's factory refuses what is not a client, a store or options: a ValidationError, not a TypeError", () => {
    const key = { encryptionKey: false } as const;
    const notClients = [undefined, null, "redis://localhost", 6379, {}, { get() {}, set() {} }];
    for (const client of notClients) {
      const error = thrownBy(() => redisTokenStore(client as never, key));
      expect(error, String(client)).toBeInstanceOf(ValidationError);
      expect(error.code).toBe("invalid_configuration");
      expect(error.message).toMatch(/client must be an ioredis or node-redis client/);
    }
    const notStores = [undefined, null, "store", {}, { get() {}, set() {}, acquire() {} }];
    for (const inner of notStores) {
      const error = thrownBy(() => secureTokenStore(inner as never, key));
      expect(error, String(inner)).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/store must be a TokenStore/);
    }
    const wrapper = { get() {}, set() {}, eval() {} };
    for (const options of [null, "options", 1]) {
      const error = thrownBy(() => redisTokenStore(wrapper as never, options as never));
      expect(error, String(options)).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/options must be an object/);
    }
  });

  it("the main entry carries the fleet protocol, and no store", async () => {
    const inputs = await inputsOf("src/index.ts");
    expect(inputs).toContain("src/store/shared-store.ts");
    expect(inputs).not.toContain("src/store/memory-store.ts");
  });

  it("cybrid-id/store is platform neutral and carries no protocol", async () => {
    const inputs = await inputsOf("src/store/index.ts");
    expect(inputs).toContain("src/store/memory-store.ts");
    expect(inputs).not.toContain("src/store/shared-store.ts");
    expect(inputs.filter((path) => path.startsWith("node:"))).toEqual([]);
  });
});
