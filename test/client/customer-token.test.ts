import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { decodeJwtClaims } from "../../src/token/jwt.js";
import { GUID, clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";

const SCOPES = ["accounts:read", "trades:read"];

describe("customer tokens", () => {
  it("are minted with the bank token as Authorization: Bearer", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const token = await cybrid.createCustomerToken({ customerGuid: GUID, scopes: SCOPES });
    const bank = await cybrid.getToken();
    const mint = emu.requests.find((r) => r.path === "/api/customer_tokens");
    expect(mint?.headers.authorization).toBe(`Bearer ${bank.accessToken}`);
    expect(mint?.body).toEqual({ customer_guid: GUID, scopes: SCOPES });
    expect(decodeJwtClaims(token.accessToken)).toMatchObject({ sub: GUID, sub_type: "customer" });
    expect(token.customerGuid).toBe(GUID);
    const exp = decodeJwtClaims(token.accessToken)?.exp as number;
    expect(Math.abs(token.expiresAt.getTime() - exp * 1000)).toBeLessThan(2_000);
  });

  it("getCustomerToken caches per customer and scope set, order-insensitively", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const a = await cybrid.getCustomerToken({ customerGuid: GUID, scopes: SCOPES });
    const b = await cybrid.getCustomerToken({ customerGuid: GUID, scopes: [...SCOPES].reverse() });
    expect(b.accessToken).toBe(a.accessToken);
    await cybrid.getCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] });
    await cybrid.getCustomerToken({ customerGuid: "f".repeat(32), scopes: SCOPES });
    expect(emu.count("/api/customer_tokens")).toBe(3);
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it("createCustomerToken always mints a new one", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    await cybrid.createCustomerToken({ customerGuid: GUID, scopes: SCOPES });
    await cybrid.createCustomerToken({ customerGuid: GUID, scopes: SCOPES });
    expect(emu.count("/api/customer_tokens")).toBe(2);
  });

  it("one request for many concurrent getCustomerToken calls", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    await Promise.all(
      Array.from({ length: 1000 }, () =>
        cybrid.getCustomerToken({ customerGuid: GUID, scopes: SCOPES }),
      ),
    );
    expect(emu.count("/api/customer_tokens")).toBe(1);
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it("the cache is bounded (LRU)", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { customerTokenCacheSize: 2 });
    const guids = ["a", "b", "c"].map((c) => c.repeat(32));
    for (const customerGuid of guids)
      await cybrid.getCustomerToken({ customerGuid, scopes: SCOPES });
    await cybrid.getCustomerToken({ customerGuid: guids[2]!, scopes: SCOPES });
    expect(emu.count("/api/customer_tokens")).toBe(3);
    await cybrid.getCustomerToken({ customerGuid: guids[0]!, scopes: SCOPES });
    expect(emu.count("/api/customer_tokens")).toBe(4);
  });

  it.each([
    ["a guid that is not 32 characters", { customerGuid: "abc", scopes: SCOPES }],
    ["empty scopes", { customerGuid: GUID, scopes: [] }],
    ["duplicate scopes", { customerGuid: GUID, scopes: ["accounts:read", "accounts:read"] }],
    ["a malformed scope", { customerGuid: GUID, scopes: ["accounts read"] }],
  ])("rejects %s before any request", async (_, request) => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    expect(await rejectionOf(cybrid.getCustomerToken(request))).toBeInstanceOf(ValidationError);
    expect(await rejectionOf(cybrid.createCustomerToken(request))).toBeInstanceOf(ValidationError);
    expect(emu.count()).toBe(0);
  });
});

describe("the deadline of a customer token's fetch", () => {
  const request = { customerGuid: GUID, scopes: SCOPES };
  const DEADLINE = 3_000;

  /** The call's rejection and how long it took (ms). */
  async function timedRejection(promise: Promise<unknown>) {
    const started = performance.now();
    const error = await rejectionOf(promise);
    return { error, ms: performance.now() - started };
  }

  it("bounds the bank token and the customer request together", async () => {
    const emu = await emulator();
    emu.inject({ path: "/oauth/token", delayMs: 2_000 });
    emu.inject({ path: "/api/customer_tokens", delayMs: 2_000 });
    const cybrid = clientFor(emu, { deadline: DEADLINE, timeout: 10_000 });
    const { error, ms } = await timedRejection(cybrid.getCustomerToken(request));
    expect(error).toMatchObject({ name: "TimeoutError", code: "deadline_exceeded", attempts: 1 });
    expect(ms).toBeGreaterThan(DEADLINE - 200);
    expect(ms).toBeLessThan(DEADLINE + 1_500);
  });

  it.each([
    ["the second customer request", 1_000, 2_000],
    ["the new bank token", 2_500, 0],
  ])(
    "bounds the retry after a 401 (past the deadline: %s)",
    async (_, bankDelayMs, mintDelayMs) => {
      const emu = await emulator();
      const cybrid = clientFor(emu, { deadline: DEADLINE, timeout: 10_000 });
      await cybrid.getToken();
      emu.inject({
        path: "/api/customer_tokens",
        status: 401,
        example: "expired_signature",
        delayMs: 1_500,
      });
      emu.inject({ path: "/oauth/token", delayMs: bankDelayMs });
      emu.inject({ path: "/api/customer_tokens", delayMs: mintDelayMs });
      const { error, ms } = await timedRejection(cybrid.createCustomerToken(request));
      expect(error).toMatchObject({ name: "TimeoutError", code: "deadline_exceeded", attempts: 1 });
      expect(ms).toBeGreaterThan(DEADLINE - 200);
      expect(ms).toBeLessThan(DEADLINE + 1_500);
    },
  );
});
