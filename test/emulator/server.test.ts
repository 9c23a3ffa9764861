/**
 * What the server does around the routes: rate limiting, CORS for browser tests, the request
 * log and its counters.
 */
import { describe, expect, it } from "vitest";
import { createCybridId } from "../../src/index.js";
import {
  bankToken,
  emulator,
  read,
  requestCustomerToken,
  requestToken,
} from "../helpers/emulator-fixture.js";
import { example } from "../helpers/spec-responses.js";

const TOKEN = "/oauth/token";
const CUSTOMER = "/api/customer_tokens";

describe("rate limit", () => {
  it("answers 403 rate_limited with Retry-After past the limit, per client", async () => {
    const emu = await emulator({
      // A window far longer than the three requests take, even on a loaded machine (the first
      // signs with a key made on demand, which took over 1.5 s once under load).
      rateLimit: { max: 2, windowMs: 60_000 },
      clients: [
        { clientId: "a", clientSecret: "s" },
        { clientId: "b", clientSecret: "s" },
      ],
    });
    const a = { client_id: "a", client_secret: "s" };
    expect((await requestToken(emu, a)).status).toBe(200);
    expect((await requestToken(emu, a)).status).toBe(200);
    const limited = await requestToken(emu, a);
    expect(limited.status).toBe(403);
    expect(limited.body).toEqual(example(TOKEN, 403, "rate_limited"));
    // What is left of the window: how much depends on how long the first two took, so the
    // test holds the two headers to each other.
    const ms = Number(limited.headers.get("retry-after-ms"));
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(60_000);
    expect(limited.headers.get("retry-after")).toBe(String(Math.ceil(ms / 1000))); // rounded up
    // Another client has its own budget.
    expect((await requestToken(emu, { client_id: "b", client_secret: "s" })).status).toBe(200);
  });

  it("lets a client through again once the window has moved on", async () => {
    const emu = await emulator({ rateLimit: { max: 1, windowMs: 200 } });
    const creds = { client_id: emu.clientId, client_secret: emu.clientSecret };
    expect((await requestToken(emu, creds)).status).toBe(200);
    const limited = await requestToken(emu, creds);
    expect(limited.status).toBe(403);
    await new Promise((resolve) =>
      setTimeout(resolve, Number(limited.headers.get("retry-after-ms"))),
    );
    expect((await requestToken(emu, creds)).status).toBe(200);
  });

  it("limits the customer token endpoint by the bearer's client", async () => {
    const emu = await emulator();
    const token = await bankToken(emu);
    emu.configure({ rateLimit: { max: 1, windowMs: 60_000 } });
    expect((await requestCustomerToken(emu, { token })).status).toBe(201);
    const limited = await requestCustomerToken(emu, { token });
    expect(limited.status).toBe(403);
    expect(limited.body).toEqual(example(CUSTOMER, 403, "rate_limited"));
    expect(limited.headers.get("retry-after")).toBe("60");
    // The token endpoint keeps its own budget.
    expect(
      (await requestToken(emu, { client_id: emu.clientId, client_secret: emu.clientSecret }))
        .status,
    ).toBe(200);
    emu.configure({ rateLimit: undefined });
    expect((await requestCustomerToken(emu, { token })).status).toBe(201);
  });
});

describe("CORS", () => {
  it("answers a preflight and exposes the headers a browser client reads", async () => {
    const emu = await emulator({ cors: true });
    const preflight = await fetch(`${emu.url}${CUSTOMER}`, {
      method: "OPTIONS",
      headers: {
        origin: "http://app.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(preflight.headers.get("access-control-allow-headers")).toBe(
      "authorization, content-type",
    );
    const answer = await requestToken(emu, {});
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-expose-headers")).toMatch(
      /x-request-id.*retry-after/,
    );
  });

  it("does not let a preflight consume a fault, nor count it", async () => {
    const emu = await emulator({ cors: true });
    emu.inject({ path: TOKEN, status: 500 });
    expect((await fetch(`${emu.url}${TOKEN}`, { method: "OPTIONS" })).status).toBe(204);
    expect((await requestToken(emu, {})).status).toBe(500);
    expect(emu.count(TOKEN)).toBe(1);
    expect(emu.requests.map((r) => r.method)).toEqual(["OPTIONS", "POST"]);
  });

  it("is off by default", async () => {
    const emu = await emulator();
    const preflight = await fetch(`${emu.url}${TOKEN}`, { method: "OPTIONS" });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("request log", () => {
  it("records every request in order, with what it was answered", async () => {
    const emu = await emulator();
    const before = Date.now();
    await requestToken(emu, {
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      scope: "customers:read",
    });
    await requestCustomerToken(emu, undefined);
    await read(await fetch(`${emu.url}/elsewhere?x=1`));
    expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", TOKEN, 200],
      ["POST", CUSTOMER, 401],
      ["GET", "/elsewhere", 404],
    ]);
    const [first] = emu.requests;
    expect(first?.body).toEqual({
      grant_type: "client_credentials",
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      scope: "customers:read",
    });
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(first?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(emu.requests[2]?.body).toBeUndefined();
    expect(emu.count()).toBe(3);
    expect(emu.count(TOKEN)).toBe(1);
  });

  it("keeps a raw text body and can be emptied in place", async () => {
    const emu = await emulator();
    const log = emu.requests;
    await fetch(`${emu.url}${TOKEN}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    expect(log[0]?.body).toBe("hello");
    emu.resetLog();
    expect(log).toHaveLength(0);
    expect(emu.count()).toBe(0);
  });

  it("keeps only the latest maxLoggedRequests, and still counts every request", async () => {
    const emu = await emulator({ maxLoggedRequests: 3 });
    for (let i = 0; i < 5; i++) await requestToken(emu, { client_id: "nobody" });
    await requestCustomerToken(emu, { token: await bankToken(emu) });
    expect(emu.requests.map((r) => r.path)).toEqual([TOKEN, TOKEN, CUSTOMER]);
    expect(emu.count(TOKEN)).toBe(6);
    expect(emu.count(CUSTOMER)).toBe(1);
    expect(emu.count()).toBe(7);
  });

  it("exposes the first client's credentials, and close() is idempotent", async () => {
    const emu = await emulator({ clients: [{ clientId: "x", clientSecret: "y" }] });
    expect([emu.clientId, emu.clientSecret]).toEqual(["x", "y"]);
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await emu.close();
    await emu.close();
  });

  it("bound to every interface, gives a url a client can use: loopback, not 0.0.0.0", async () => {
    const emu = await emulator({ host: "0.0.0.0" });
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const cybrid = createCybridId({
      baseUrl: emu.url,
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
    });
    const customer = await cybrid.getCustomerToken({
      customerGuid: "7f9d3e1c2b4a5968a7b6c5d4e3f2a1b0",
      scopes: ["accounts:read"],
    });
    expect(customer.customerGuid).toBe("7f9d3e1c2b4a5968a7b6c5d4e3f2a1b0");
  });
});
