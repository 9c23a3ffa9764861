/**
 * How long a token is used, over real HTTP: never past the server's own expiry (whole-second
 * servers, the JWT `exp`), never an Invalid Date, never a request per call.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCybridId } from "../../src/index.js";
import { GUID, clientFor, emulator, rejectionOf, sleep } from "../helpers/client-harness.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections())),
  );
});

/**
 * A token endpoint that behaves like panva's oidc-provider: `exp = floor(now) + ttl`, an opaque
 * token, `expires_in = ttl`, a `Date` header and no `created_at`. It answers 0-300 ms after
 * issuing, so some answers cross a second boundary. `expiry` maps each token to its expiry.
 */
async function wholeSecondServer(ttl: number) {
  const expiry = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume().on("end", async () => {
      const token = randomUUID();
      expiry.set(token, (Math.floor(Date.now() / 1000) + ttl) * 1000);
      await sleep(Math.random() * 300);
      response.setHeader("date", new Date(Math.floor(Date.now() / 1000) * 1000).toUTCString());
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: ttl }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, expiry };
}

describe("a whole-second server", () => {
  it(
    "never gets a token back after its expiry, 2 s tokens over 6 s",
    { timeout: 20_000 },
    async () => {
      const { url, expiry } = await wholeSecondServer(2);
      const cybrid = createCybridId({
        baseUrl: url,
        clientId: "client",
        clientSecret: "a-long-enough-secret",
        logger: "silent",
      });
      const late: number[] = [];
      const until = Date.now() + 6_000;
      while (Date.now() < until) {
        // getToken decides synchronously: this is the moment the token is judged usable.
        const at = Date.now();
        const { accessToken } = await cybrid.getToken();
        const expiresAt = expiry.get(accessToken)!;
        if (at >= expiresAt) late.push(at - expiresAt);
        await sleep(5);
      }
      expect(late).toEqual([]);
      expect(expiry.size).toBeGreaterThanOrEqual(3); // it did refresh, several times
    },
  );
});

describe("the token's own expiry", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("a customer JWT whose exp has passed: InvalidResponseError, never cached", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const stale = emu.signJwt({
      sub: GUID,
      sub_type: "customer",
      iat: now() - 3660,
      exp: now() - 60,
    });
    emu.inject({
      path: "/api/customer_tokens",
      status: 201,
      body: { access_token: stale },
      times: 2,
    });
    const request = { customerGuid: GUID, scopes: ["accounts:read"] };
    const error = await rejectionOf(cybrid.getCustomerToken(request));
    expect(error).toMatchObject({ name: "InvalidResponseError", code: "invalid_response" });
    expect(error.message).toMatch(/already expired|expired \d+ s before/);
    await rejectionOf(cybrid.getCustomerToken(request));
    expect(emu.count("/api/customer_tokens")).toBe(2);
  });

  it("a live customer JWT behind a Date header a second stale (a busy server's cached Date) is accepted", async () => {
    const emu = await emulator({ customerTokenTtlSeconds: 1 });
    // Handled normally (iat = this second, exp = iat + 1), answered with a Date of the second
    // before: the lifetime anchored on it ends before the send time, the token's own exp does not.
    const stale = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toUTCString();
    emu.inject({ path: "/api/customer_tokens", headers: { date: stale } });
    const token = await clientFor(emu).createCustomerToken({
      customerGuid: GUID,
      scopes: ["accounts:read"],
    });
    expect(token.accessToken).toMatch(/^eyJ/);
  });

  it("a JWT's exp bounds a longer expires_in", async () => {
    const emu = await emulator();
    const jwt = emu.signJwt({ sub: emu.clientId, iat: now(), exp: now() + 30 });
    emu.inject({
      path: "/oauth/token",
      status: 200,
      body: { access_token: jwt, token_type: "Bearer", expires_in: 3600, created_at: now() },
    });
    const { expiresAt } = await clientFor(emu).getToken();
    expect(expiresAt.getTime()).toBeLessThanOrEqual((now() + 31) * 1000);
  });

  it.each([
    ["expires_in 1e13", { access_token: "opaque-token", token_type: "Bearer", expires_in: 1e13 }],
    ["a JWT exp of 1e15", "jwt"],
  ])("%s: a valid expiresAt, at most a year away", async (_, body) => {
    const emu = await emulator();
    const access_token = emu.signJwt({ sub: emu.clientId, exp: 1e15 });
    emu.inject({
      path: "/oauth/token",
      status: 200,
      body: body === "jwt" ? { access_token, token_type: "Bearer" } : body,
    });
    const { expiresAt } = await clientFor(emu).getToken();
    expect(expiresAt.toISOString()).toMatch(/^\d{4}-/);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 366 * 24 * 3_600_000);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 364 * 24 * 3_600_000);
  });

  it("a sub-second expires_in is read as 1 s: not a request per call", async () => {
    const emu = await emulator();
    emu.inject({
      path: "/oauth/token",
      status: 200,
      body: { access_token: "opaque-token", token_type: "Bearer", expires_in: 0.0001 },
    });
    const cybrid = clientFor(emu);
    const sentAt = Date.now();
    const first = await cybrid.getToken();
    for (let i = 0; i < 20; i++) await cybrid.getToken();
    expect(emu.count("/oauth/token")).toBe(1);
    expect(first.expiresAt.getTime() - sentAt).toBeGreaterThanOrEqual(1_000);
    expect(first.expiresAt.getTime() - sentAt).toBeLessThan(1_500);
  });
});
