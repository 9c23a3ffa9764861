/**
 * A scope list is checked against the spec as its cache slot is made: the same list must get
 * the same answer whatever the cache already holds. A list the spec refuses (a scope listed
 * twice, two scopes in one string, a guid that is no string) may not find the slot of a valid
 * request that looks alike.
 */
import { describe, expect, it } from "vitest";
import { ValidationError, type CybridId } from "../../src/index.js";
import { GUID, clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";

/** A valid list, and lists the spec refuses that a lax cache key would file under it. */
const VALID = ["accounts:read", "prices:read"];
const DUPLICATES = [
  ["accounts:read", "accounts:read", "prices:read"],
  ["prices:read", "accounts:read", "prices:read"],
];
// Each entry is one scope (the spec's Scope) for both kinds of token: "a b" in one entry is
// refused, though the client-credentials body joins the list into a space-separated string.
const TWO_IN_ONE = ["accounts:read prices:read"];
const LOOK_ALIKES = [...DUPLICATES, TWO_IN_ONE];

const calls: [string, (cybrid: CybridId, scopes: string[]) => Promise<unknown>][] = [
  ["getToken", (cybrid, scopes) => cybrid.getToken({ scopes })],
  ["getCustomerToken", (cybrid, scopes) => cybrid.getCustomerToken({ customerGuid: GUID, scopes })],
];

describe.each(calls)("%s: a look-alike of a valid scope list", (_, call) => {
  it.each(LOOK_ALIKES.map((scopes) => [scopes]))(
    "%j: refused alike, cold or warm",
    async (scopes) => {
      const emu = await emulator();
      const cold = await rejectionOf(call(clientFor(emu), scopes));
      expect(cold).toBeInstanceOf(ValidationError);
      expect(cold.code).toBe("validation_error");

      const warm = clientFor(emu);
      await call(warm, VALID);
      const sent = emu.count();
      const error = await rejectionOf(call(warm, scopes));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.issues).toEqual(cold.issues);
      expect(emu.count()).toBe(sent);
    },
  );
});

it("getCustomerToken: a guid that is no string is refused alike, cold or warm", async () => {
  const emu = await emulator();
  const cybrid = clientFor(emu);
  const request = { customerGuid: [GUID], scopes: VALID } as any;
  const cold = await rejectionOf(cybrid.getCustomerToken(request));
  await cybrid.getCustomerToken({ customerGuid: GUID, scopes: VALID });
  const warm = await rejectionOf(cybrid.getCustomerToken(request));
  expect(warm).toBeInstanceOf(ValidationError);
  expect(warm.issues).toEqual(cold.issues);
});

describe("the scopes option", () => {
  it.each([
    [["accounts:read", "accounts:read"], 'scope "accounts:read" is listed twice'],
    [["accounts read"], 'scope "accounts read" is not a well-formed scope'],
    [["accounts:read prices:read"], 'scope "accounts:read prices:read" is not a well-formed scope'],
    [[], "scopes must not be empty"],
  ])("%j: ValidationError (invalid_configuration) at createCybridId", async (scopes, issue) => {
    const emu = await emulator();
    let error: any;
    try {
      clientFor(emu, { scopes });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_configuration");
    expect(error.issues).toEqual([issue]);
    expect(emu.count()).toBe(0);
  });

  it("a call may name the option's scopes in another order, or once each", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { scopes: VALID });
    await cybrid.getToken();
    await cybrid.getToken({ scopes: [...VALID].reverse() });
    expect(emu.count()).toBe(1);
    const error = await rejectionOf(cybrid.getToken({ scopes: [...VALID, ...VALID] }));
    expect(error.code).toBe("validation_error");
    expect(emu.count()).toBe(1);
  });
});
