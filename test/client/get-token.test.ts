import { describe, expect, it } from "vitest";
import { CybridIdError, ValidationError, createCybridId } from "../../src/index.js";
import { clientFor, emulator, rejectionOf, sleep } from "../helpers/client-harness.js";

describe("getToken", () => {
  it("sends the client-credentials body as JSON with one space-separated scope string", async () => {
    const emu = await emulator();
    const token = await clientFor(emu).getToken({ scopes: ["customers:read", "customers:write"] });
    const [request] = emu.requests;
    expect(request?.path).toBe("/oauth/token");
    expect(request?.headers["content-type"]).toContain("application/json");
    expect(request?.body).toEqual({
      grant_type: "client_credentials",
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      scope: "customers:read customers:write",
    });
    expect(token.tokenType).toBe("Bearer");
    expect(token.scopes).toEqual(["customers:read", "customers:write"]);
    expect(token.expiresAt.getTime()).toBeGreaterThan(Date.now() + 1_700_000);
  });

  it("can send the RFC 6749 form encoding to another token path", async () => {
    const emu = await emulator({ tokenPaths: ["/v1/oauth/token"] });
    await clientFor(emu, { tokenPath: "/v1/oauth/token", tokenEncoding: "form" }).getToken();
    const [request] = emu.requests;
    expect(request?.path).toBe("/v1/oauth/token");
    expect(request?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(request?.body).toMatchObject({
      grant_type: "client_credentials",
      client_id: emu.clientId,
    });
  });

  it("makes exactly one token request for 10,000 concurrent callers on a cold cache", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const tokens = await Promise.all(Array.from({ length: 10_000 }, () => cybrid.getToken()));
    expect(emu.count("/oauth/token")).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    await cybrid.getToken();
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it(
    "refreshes exactly once across an expiry boundary, serving the current token meanwhile",
    { timeout: 20_000 },
    async () => {
      // 10 s tokens: the 10,000 calls below have 400 ms before the token's usable end, room
      // enough on a loaded machine (6 s tokens left 240 ms, and a loaded run missed it).
      const emu = await emulator({ tokenTtlSeconds: 10 });
      const cybrid = clientFor(emu);
      const first = await cybrid.getToken();
      // 86% of the lifetime: the refresh window (opened by 85%) is open, the token usable (to 90%).
      await sleep(first.expiresAt.getTime() - 1_400 - Date.now());
      const during = await Promise.all(Array.from({ length: 10_000 }, () => cybrid.getToken()));
      expect(new Set(during.map((t) => t.accessToken))).toEqual(new Set([first.accessToken]));
      await sleep(100);
      expect(emu.count("/oauth/token")).toBe(2);
      const after = await cybrid.getToken();
      expect(after.accessToken).not.toBe(first.accessToken);
      expect(emu.count("/oauth/token")).toBe(2);
    },
  );

  it("caches each scope set apart, order-insensitively", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    await cybrid.getToken({ scopes: ["customers:read", "accounts:read"] });
    await cybrid.getToken({ scopes: ["accounts:read", "customers:read"] });
    await cybrid.getToken({ scopes: ["accounts:read"] });
    expect(emu.count("/oauth/token")).toBe(2);
  });

  it("invalidate() drops the cache", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    await cybrid.getToken();
    cybrid.invalidate();
    await cybrid.getToken();
    expect(emu.count("/oauth/token")).toBe(2);
  });

  it("rejects bad configuration and scopes before any request", async () => {
    const emu = await emulator();
    expect(() => createCybridId({ baseUrl: emu.url, clientId: "x" })).toThrow(ValidationError);
    expect(() =>
      createCybridId({ baseUrl: "http://example.com", clientId: "x", clientSecret: "long-enough" }),
    ).toThrow(/https/);
    const cybrid = clientFor(emu);
    for (const scopes of [[], ["accounts:read", "accounts:read"], ["Not A Scope"]]) {
      const error = await rejectionOf(cybrid.getToken({ scopes }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toBeInstanceOf(CybridIdError);
      expect(error.code).toBe("validation_error");
    }
    expect(emu.count()).toBe(0);
  });

  it("accepts a well-formed scope the spec does not know yet (the server decides)", async () => {
    const emu = await emulator();
    const error = await rejectionOf(clientFor(emu).getToken({ scopes: ["future_things:read"] }));
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_scope");
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it("wrong credentials surface as AuthenticationError invalid_client, not retried", async () => {
    const emu = await emulator();
    const error = await rejectionOf(clientFor(emu, { clientSecret: "wrong-secret" }).getToken());
    expect(error.name).toBe("AuthenticationError");
    expect(error.code).toBe("invalid_client");
    expect(error.attempts).toBe(1);
    expect(emu.count()).toBe(1);
  });
});
