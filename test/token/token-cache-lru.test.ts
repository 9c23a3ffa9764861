/**
 * The token cache's LRU bounds, deterministic (fake-idp.ts: a fake `sendToIdp`, vitest's
 * clock): the least recently used slot goes, the client's own scopes stay, and a slot whose
 * fetch is under way stays until it ends (its callers share one request).
 */
import { describe, expect, it, vi } from "vitest";
import { GUID, useFakeIdp } from "./fake-idp.js";

vi.mock("../../src/pipeline/idp-pipeline.js", () => ({ sendToIdp: vi.fn() }));

const { sent, cacheWith, settle } = useFakeIdp();

describe("the LRU bounds", () => {
  it("evicts the least recently used scope set; the client's own scopes stay", async () => {
    const { bank } = cacheWith({ bankTokenCacheSize: 2 });
    const fetched = async (scopes?: string[]) => {
      const before = sent.length;
      const token = bank.get(scopes);
      if (sent.length > before) sent[before]!.answer(`token-${before}`);
      await token;
      return sent.length > before;
    };
    expect(await fetched()).toBe(true);
    expect(await fetched(["prices:read"])).toBe(true);
    expect(await fetched(["trades:read"])).toBe(true);
    expect(await fetched(["prices:read"])).toBe(false); // now the most recently used
    expect(await fetched(["quotes:read"])).toBe(true); // evicts trades:read
    expect(await fetched(["prices:read"])).toBe(false);
    expect(await fetched(["trades:read"])).toBe(true);
    expect(await fetched()).toBe(false);
    expect(await fetched(["accounts:read"])).toBe(false);
  });

  it("evicts the least recently used customer token", async () => {
    const { bank, customers } = cacheWith({ customerTokenCacheSize: 1 });
    const bankToken = bank.get();
    sent[0]!.answer("bank");
    await bankToken;
    const customer = async (scopes: ("accounts:read" | "trades:read")[]) => {
      const token = customers.get({ customerGuid: GUID, scopes });
      await settle();
      sent.at(-1)!.answer(`customer-${sent.length}`);
      return (await token).accessToken;
    };
    expect(await customer(["accounts:read"])).toBe("customer-2");
    expect(await customers.get({ customerGuid: GUID, scopes: ["accounts:read"] })).toMatchObject({
      accessToken: "customer-2",
      customerGuid: GUID,
      scopes: ["accounts:read"],
    });
    expect(await customer(["trades:read"])).toBe("customer-3");
    expect(await customer(["accounts:read"])).toBe("customer-4");
  });
});

describe("a slot whose fetch is under way", () => {
  it("is not evicted: a bank token's callers share one request", async () => {
    const { bank } = cacheWith({ bankTokenCacheSize: 1 });
    const first = bank.get(["prices:read"]);
    const other = bank.get(["trades:read"]); // one slot too many: prices:read is the LRU
    const again = bank.get(["prices:read"]);
    expect(sent).toHaveLength(2);
    sent[0]!.answer("prices");
    sent[1]!.answer("trades");
    expect((await again).accessToken).toBe("prices");
    expect((await first).accessToken).toBe("prices");
    expect((await other).accessToken).toBe("trades");
    // Once its fetch is over, the LRU goes as before.
    expect((await bank.get(["trades:read"])).accessToken).toBe("trades");
    void bank.get(["quotes:read"]);
    expect(sent).toHaveLength(3);
    void bank.get(["prices:read"]);
    expect(sent).toHaveLength(4);
  });

  it("is not evicted: a customer token's callers share one request", async () => {
    const { bank, customers } = cacheWith({ customerTokenCacheSize: 1 });
    const bankToken = bank.get();
    sent[0]!.answer("bank");
    await bankToken;
    const request = (customerGuid: string) => ({
      customerGuid,
      scopes: ["accounts:read"] as const,
    });
    const first = customers.get(request(GUID));
    const other = customers.get(request("f".repeat(32)));
    const again = customers.get(request(GUID));
    await settle();
    expect(sent.map((s) => s.request.path)).toEqual([
      "/oauth/token",
      "/api/customer_tokens",
      "/api/customer_tokens",
    ]);
    sent[1]!.answer("customer");
    sent[2]!.answer("other");
    expect((await again).accessToken).toBe("customer");
    expect((await first).accessToken).toBe("customer");
    expect((await other).accessToken).toBe("other");
  });
});
