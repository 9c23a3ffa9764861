/**
 * invalidate() fences in-flight requests: after it, only a request sent after it may supply a
 * token, with or without a shared store in front.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { MemoryTokenStore } from "../../src/store/index.js";
import { clientFor, emulator, GUID, sleep, thrownBy } from "../helpers/client-harness.js";

const TOKEN = "/oauth/token";
const CUSTOMER_TOKENS = "/api/customer_tokens";
const CUSTOMER = { customerGuid: GUID, scopes: ["accounts:read"] } as const;
/** Each test runs without a store and with one: a dropped token must not come back from it. */
const STORES = [
  ["in memory", () => undefined],
  ["with a shared store", () => new MemoryTokenStore()],
] as const;

describe("invalidate()", () => {
  it.each(STORES)(
    "%s: a request sent before it neither serves later callers nor fills the cache",
    async (_, store) => {
      const emu = await emulator();
      // Generous timeouts: a retry on a loaded machine would add a request of its own.
      const cybrid = clientFor(emu, { store: store(), timeout: 10_000, deadline: 20_000 });
      emu.inject({ path: TOKEN, delayMs: 400 });
      const before = cybrid.getToken();
      await sleep(100); // the first request is on its way
      const invalidatedAt = Date.now();
      cybrid.invalidate();
      const after = await cybrid.getToken();
      const early = await before;

      expect(after.accessToken).not.toBe(early.accessToken);
      const sent = emu.requests.filter((r) => r.path === TOKEN).map((r) => r.receivedAt);
      expect(sent).toHaveLength(2);
      expect(sent[1]).toBeGreaterThanOrEqual(invalidatedAt);
      // The late answer to the first request did not replace the new token in the cache.
      await sleep(50);
      expect((await cybrid.getToken()).accessToken).toBe(after.accessToken);
      expect(emu.count(TOKEN)).toBe(2);
    },
  );
});

describe("invalidate(accessToken): the token a server rejected", () => {
  it.each(STORES)(
    "%s: drops that bank token only, bare or as `Bearer <token>`",
    async (_, store) => {
      const emu = await emulator();
      const cybrid = clientFor(emu, { store: store() });
      const customer = await cybrid.getCustomerToken(CUSTOMER);
      const rejected = (await cybrid.getToken()).accessToken;
      const heard: (string | undefined)[] = [];
      cybrid.onInvalidate(({ accessToken }) => heard.push(accessToken));

      cybrid.invalidate(`Bearer ${rejected}`);
      const renewed = (await cybrid.getToken()).accessToken;
      expect(renewed).not.toBe(rejected);
      // Already replaced: later 401s to it drop nothing more.
      cybrid.invalidate(rejected);
      expect((await cybrid.getToken()).accessToken).toBe(renewed);
      // The customer token stays cached.
      expect(await cybrid.getCustomerToken(CUSTOMER)).toEqual(customer);
      expect({ bank: emu.count(TOKEN), customer: emu.count(CUSTOMER_TOKENS) }).toEqual({
        bank: 2,
        customer: 1,
      });
      expect(heard).toEqual([rejected, rejected]);
    },
  );

  it.each(STORES)("%s: drops a customer token only where it is cached", async (_, store) => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { store: store() });
    const bank = await cybrid.getToken();
    const other = { customerGuid: `${GUID.slice(0, -1)}e`, scopes: ["accounts:read"] };
    const kept = await cybrid.getCustomerToken(other);
    const rejected = await cybrid.getCustomerToken(CUSTOMER);

    cybrid.invalidate(rejected.accessToken);
    expect((await cybrid.getCustomerToken(CUSTOMER)).accessToken).not.toBe(rejected.accessToken);
    expect(await cybrid.getCustomerToken(other)).toEqual(kept);
    expect(await cybrid.getToken()).toEqual(bank);
    expect({ bank: emu.count(TOKEN), customer: emu.count(CUSTOMER_TOKENS) }).toEqual({
      bank: 1,
      customer: 3,
    });
  });

  it.each([
    ["surrounding whitespace", (token: string) => ` ${token}\n`],
    ["`bearer` in another case, a tab", (token: string) => `\tBEARER\t${token} `],
  ])("drops the token given with %s (a token has none)", async (_, written) => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const rejected = (await cybrid.getToken()).accessToken;
    cybrid.invalidate(written(rejected));
    expect((await cybrid.getToken()).accessToken).not.toBe(rejected);
    expect(emu.count(TOKEN)).toBe(2);
  });

  it("refuses what is not a token, before dropping anything", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const token = await cybrid.getToken();
    for (const wrong of [42, "", "  ", "Bearer ", null, { accessToken: "x" }]) {
      const error = thrownBy(() => cybrid.invalidate(wrong as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe("validation_error");
    }
    expect(await cybrid.getToken()).toEqual(token);
    expect(emu.count(TOKEN)).toBe(1);
  });
});
