/**
 * Bad input from JavaScript callers (or `as any`): every option and call argument of the wrong
 * type or out of range is a `ValidationError` before anything is sent, never a `TypeError` or a
 * `RangeError` from deep inside, and never a timer that silently fires after 1 ms.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ValidationError, createCybridId, type CybridIdOptions } from "../../src/index.js";
import { clientFor, emulator, GUID, rejectionOf, thrownBy } from "../helpers/client-harness.js";

const MAX_TIMER = 2 ** 31 - 1;

describe("numeric options: integers within the timer range", () => {
  const bad: unknown[] = [1500.5, 3e9, 5e9, MAX_TIMER + 1, Number.NaN, -1, "100", Infinity, null];
  const names = ["timeout", "deadline", "maxRetries", "customerTokenCacheSize"] as const;

  it.each(names.flatMap((name) => bad.map((value) => [name, value] as const)))(
    "%s: %s is a ValidationError at createCybridId, nothing sent",
    async (name, value) => {
      const emu = await emulator();
      const error = thrownBy(() => clientFor(emu, { [name]: value } as CybridIdOptions));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe("invalid_configuration");
      expect(error.issues).toEqual([
        expect.stringMatching(new RegExp(`^${name} must be an integer from [01] to 2147483647`)),
      ]);
      expect(emu.count()).toBe(0);
    },
  );

  it.each([
    [{ base: 0.5 }, "backoff.base"],
    [{ max: 3e9 }, "backoff.max"],
    [{ base: "20" }, "backoff.base"],
  ])("backoff %o is refused, naming %s", async (backoff, name) => {
    const emu = await emulator();
    const error = thrownBy(() => clientFor(emu, { backoff } as CybridIdOptions));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(name);
  });

  it("timeout and deadline of 0 (which a reader may take for 'none') are refused: at least 1", () => {
    for (const name of ["timeout", "deadline"] as const) {
      const error = thrownBy(() =>
        createCybridId({ clientId: "id", clientSecret: "secret-1", [name]: 0 }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.issues).toEqual([`${name} must be an integer from 1 to 2147483647`]);
    }
  });

  it("customerTokenCacheSize must be at least 1", async () => {
    const emu = await emulator();
    const error = thrownBy(() => clientFor(emu, { customerTokenCacheSize: 0 }));
    expect(error).toBeInstanceOf(ValidationError);
  });

  it("accepts the bounds: a timeout of 2^31-1 ms works, and 0 retries", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { timeout: MAX_TIMER, deadline: MAX_TIMER, maxRetries: 0 });
    expect((await cybrid.getToken()).accessToken).toBeTruthy();
  });
});

describe("options of the wrong type", () => {
  it.each([
    ["scopes as a string", { scopes: "accounts:read" }],
    ["scopes as an object", { scopes: { 0: "accounts:read" } }],
    // A hole (a double comma) is no string: joined, it would send "accounts:read  prices:read".
    ["scopes with a hole", { scopes: ["accounts:read", , "prices:read"] }],
    ["an unknown logger level", { logger: "verbose" }],
    ["a prototype key as a level", { logger: "toString" }],
    ["an unknown level in a logger object", { logger: { level: "x" } }],
    ["a logger sink without the level methods", { logger: { sink: {} } }],
    ["a logger of the wrong type", { logger: 5 }],
    ["hooks as a number", { hooks: 5 }],
    ["a hook that is not a function", { hooks: { onTokenFetched: "x" } }],
    ["fetch as a string", { fetch: "x" }],
    ["backoff as a number", { backoff: 5 }],
    ["tokenEncoding unknown", { tokenEncoding: "xml" }],
    ["tokenPath as a number", { tokenPath: 5 }],
    ["a tokenPath without a leading slash", { tokenPath: "oauth/token" }],
  ])("%s: ValidationError (invalid_configuration), nothing sent", async (_, options) => {
    const emu = await emulator();
    const error = thrownBy(() => clientFor(emu, options as CybridIdOptions));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_configuration");
    expect(emu.count()).toBe(0);
  });

  it.each([
    ["clientSecret", 12345678901],
    ["clientSecret", {}],
    ["clientSecret", ["a-long-enough-secret"]],
    ["clientId", 4242],
    ["clientId", { id: "x" }],
  ])("%s: %o is refused at createCybridId, named, its value never shown", async (name, value) => {
    const emu = await emulator();
    const error = thrownBy(() => clientFor(emu, { [name]: value } as CybridIdOptions));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_configuration");
    expect(error.issues).toEqual([`${name} must be a string`]);
    const shown = JSON.stringify(value);
    for (const text of [error.message, inspect(error), JSON.stringify(error)]) {
      expect(text).not.toContain(shown);
      expect(text).not.toContain(String(value));
    }
    expect(emu.count()).toBe(0);
  });

  it.each([null, "id", 5])("createCybridId(%s): ValidationError, not a TypeError", (options) => {
    const error = thrownBy(() => createCybridId(options as any));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_configuration");
  });

  it("credentials longer than the spec allows: ValidationError (invalid_configuration) at createCybridId", () => {
    const base = { baseUrl: "http://127.0.0.1:9", clientId: "id", clientSecret: "secret-1" };
    for (const [options, issue] of [
      [{ clientSecret: "s".repeat(513) }, "clientSecret must have at most 512 characters"],
      [{ clientId: "i".repeat(257) }, "clientId must have at most 256 characters"],
    ] as const) {
      const error = thrownBy(() => createCybridId({ ...base, ...options }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: "invalid_configuration", issues: [issue] });
    }
    // At the spec's limits, taken.
    createCybridId({ ...base, clientId: "i".repeat(256), clientSecret: "s".repeat(512) });
  });

  it("scopes from the options still work when well formed", async () => {
    const emu = await emulator();
    const token = await clientFor(emu, { scopes: ["accounts:read"] }).getToken();
    expect(token.scopes).toEqual(["accounts:read"]);
  });
});

describe("call input of the wrong type", () => {
  const cases: [string, (cybrid: ReturnType<typeof clientFor>) => Promise<unknown>][] = [
    ["getToken({ scopes: string })", (c) => c.getToken({ scopes: "a:b" } as any)],
    ["getToken({ scopes: [5] })", (c) => c.getToken({ scopes: [5] } as any)],
    // These key like "no scopes" (the client's default): they must still be checked.
    ["getToken({ scopes: [null] })", (c) => c.getToken({ scopes: [null] } as any)],
    ["getToken({ scopes: [undefined] })", (c) => c.getToken({ scopes: [undefined] } as any)],
    ["getToken({ scopes: [''] })", (c) => c.getToken({ scopes: [""] })],
    [
      "getToken({ scopes: [a, <hole>, b] })",
      (c) => c.getToken({ scopes: ["accounts:read", , "prices:read"] } as any),
    ],
    ["getToken({ signal: string })", (c) => c.getToken({ signal: "nope" } as any)],
    ["getToken(5)", (c) => c.getToken(5 as any)],
    ["getCustomerToken(undefined)", (c) => c.getCustomerToken(undefined as any)],
    ["getCustomerToken(null)", (c) => c.getCustomerToken(null as any)],
    [
      "getCustomerToken({ customerGuid: 5 })",
      (c) => c.getCustomerToken({ customerGuid: 5, scopes: ["accounts:read"] } as any),
    ],
    [
      "getCustomerToken({ scopes: string })",
      (c) => c.getCustomerToken({ customerGuid: GUID, scopes: "accounts:read" } as any),
    ],
    [
      "getCustomerToken({ signal: {} })",
      (c) =>
        c.getCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"], signal: {} } as any),
    ],
    [
      "getCustomerToken({ customerGuid }) without scopes",
      (c) => c.getCustomerToken({ customerGuid: GUID } as any),
    ],
    [
      "createCustomerToken({ customerGuid }) without scopes",
      (c) => c.createCustomerToken({ customerGuid: GUID } as any),
    ],
    ["createCustomerToken(null)", (c) => c.createCustomerToken(null as any)],
    ["createCustomerToken(undefined)", (c) => c.createCustomerToken(undefined as any)],
    [
      "createCustomerToken({ signal: 'x' })",
      (c) =>
        c.createCustomerToken({
          customerGuid: GUID,
          scopes: ["accounts:read"],
          signal: "x",
        } as any),
    ],
  ];

  it.each(cases)("%s: ValidationError (validation_error), nothing sent", async (_, call) => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const error = await rejectionOf(call(cybrid));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("validation_error");
    expect(emu.count()).toBe(0);
  });

  it("a scope that is not a string beside the client's scopes: ValidationError, nothing sent", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { scopes: ["accounts:read"] });
    for (const scopes of [["accounts:read", null], [{}], [undefined, "accounts:read"]]) {
      const error = await rejectionOf(cybrid.getToken({ scopes } as any));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe("validation_error");
    }
    expect(emu.count()).toBe(0);
  });

  it("a real AbortSignal is still taken", async () => {
    const emu = await emulator();
    const controller = new AbortController();
    const cybrid = clientFor(emu);
    expect(await cybrid.getToken({ signal: controller.signal })).toBeTruthy();
    expect(
      await cybrid.getCustomerToken({
        customerGuid: GUID,
        scopes: ["accounts:read"],
        signal: controller.signal,
      }),
    ).toBeTruthy();
  });
});

describe("a scopes entry holding several scopes", () => {
  // Each entry is one scope (the spec's Scope), as for getCustomerToken: "a b" in one entry
  // would take a cache slot apart from ["a", "b"] and slip past the "listed twice" check.
  const TWO_IN_ONE = "customers:read customers:write";

  it("getToken: ValidationError (validation_error) naming the entry, nothing sent", async () => {
    const emu = await emulator();
    const error = await rejectionOf(clientFor(emu).getToken({ scopes: [TWO_IN_ONE] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("validation_error");
    expect(error.issues).toEqual([`scope "${TWO_IN_ONE}" is not a well-formed scope`]);
    expect(emu.count()).toBe(0);
  });

  it("the scopes option: ValidationError (invalid_configuration) at createCybridId", async () => {
    const emu = await emulator();
    const error = thrownBy(() => clientFor(emu, { scopes: ["a:b c:d"] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_configuration");
    expect(error.issues).toEqual(['scope "a:b c:d" is not a well-formed scope']);
    expect(emu.count()).toBe(0);
  });
});

describe("CYBRID_ID_LOG", () => {
  it("an unknown value is warn, said once per process on the sink, without the value", async () => {
    const emu = await emulator();
    const lines: string[] = [];
    const sink = {
      debug: () => {},
      info: () => {},
      warn: (l: string) => lines.push(l),
      error: () => {},
    };
    const previous = process.env.CYBRID_ID_LOG;
    process.env.CYBRID_ID_LOG = "verbose-secretish";
    try {
      for (let i = 0; i < 2; i++) {
        // `logger` names a sink but no level: the environment's level applies.
        clientFor(emu, { logger: { sink } });
      }
    } finally {
      if (previous === undefined) delete process.env.CYBRID_ID_LOG;
      else process.env.CYBRID_ID_LOG = previous;
    }
    expect(lines).toEqual([
      "[cybrid-id] CYBRID_ID_LOG is not one of debug, info, warn, error, silent; using warn",
    ]);
  });
});
