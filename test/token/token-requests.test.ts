/**
 * The token requests as the cache sends them (fake-idp.ts: a fake `sendToIdp`, vitest's
 * clock): the client-credentials body and client authentication, the spec's checks before the
 * first request, and customer tokens (cached or always new, one retry with a new bank token).
 */
import { describe, expect, it, vi } from "vitest";
import { AuthenticationError } from "../../src/errors/cybrid-id-error.js";
import { GUID, useFakeIdp } from "./fake-idp.js";

vi.mock("../../src/pipeline/idp-pipeline.js", () => ({ sendToIdp: vi.fn() }));

const { sent, cacheWith, settle } = useFakeIdp();

describe("the bank token request", () => {
  it("client_secret_post: the credentials in the body; client_secret_basic: in the header", async () => {
    const post = cacheWith({ tokenEncoding: "form" });
    void post.bank.get(["accounts:read", "prices:read"]);
    expect(sent[0]!.request).toMatchObject({
      path: "/oauth/token",
      encoding: "form",
      authorization: undefined,
      body: {
        grant_type: "client_credentials",
        client_id: "client",
        client_secret: "a-long-enough-secret",
        scope: "accounts:read prices:read",
      },
    });
    const basic = cacheWith({ clientAuthentication: "client_secret_basic" });
    void basic.bank.get();
    expect(sent[1]!.request.body).toEqual({
      grant_type: "client_credentials",
      scope: "accounts:read",
    });
    expect(sent[1]!.request.authorization).toBe(`Basic ${btoa("client:a-long-enough-secret")}`);
  });

  it("checks a scope set against the spec before its first request", async () => {
    const { bank } = cacheWith();
    await expect(async () => bank.get(["prices:read", "prices:read"])).rejects.toThrow(
      "listed twice",
    );
    await expect(async () => bank.get([])).rejects.toThrow("must not be empty");
    expect(sent).toHaveLength(0);
  });
});

describe("customer tokens", () => {
  async function warmBank(bank: ReturnType<typeof cacheWith>["bank"]) {
    const token = bank.get();
    sent[0]!.answer("bank-1");
    await token;
  }

  it("a 401 a new bank token fixes: that bank token is dropped and the mint tried once more", async () => {
    const { bank, customers } = cacheWith();
    await warmBank(bank);
    const minted = customers.create({ customerGuid: GUID, scopes: ["accounts:read"] });
    await settle();
    expect(sent[1]!.request).toMatchObject({
      path: "/api/customer_tokens",
      authorization: "Bearer bank-1",
      body: { customer_guid: GUID, scopes: ["accounts:read"] },
    });
    sent[1]!.answer(new AuthenticationError("expired", { code: "authentication_failed" }));
    await settle();
    sent[2]!.answer("bank-2");
    await settle();
    expect(sent[3]!.request.authorization).toBe("Bearer bank-2");
    sent[3]!.answer("customer");
    expect((await minted).accessToken).toBe("customer");
    expect((await bank.get()).accessToken).toBe("bank-2");
  });

  it("another 401 is thrown at once", async () => {
    const { bank, customers } = cacheWith();
    await warmBank(bank);
    const minted = customers.create({ customerGuid: GUID, scopes: ["accounts:read"] });
    await settle();
    const error = new AuthenticationError("wrong subject", { code: "invalid_token" });
    sent[1]!.answer(error);
    await expect(minted).rejects.toBe(error);
    expect(sent).toHaveLength(2);
  });

  it("create() always mints; get() caches per customer and scope set (order aside)", async () => {
    const { bank, customers } = cacheWith();
    await warmBank(bank);
    const request = { customerGuid: GUID, scopes: ["accounts:read", "trades:read"] } as const;
    const cached = customers.get(request);
    await settle();
    sent[1]!.answer("cached");
    await cached;
    expect(
      (await customers.get({ customerGuid: GUID, scopes: ["trades:read", "accounts:read"] }))
        .accessToken,
    ).toBe("cached");
    const created = customers.create(request);
    await settle();
    sent[2]!.answer("created");
    expect((await created).accessToken).toBe("created");
    expect((await customers.get(request)).accessToken).toBe("cached");
    customers.invalidate();
    void customers.get(request);
    await settle();
    expect(sent).toHaveLength(4);
  });
});
