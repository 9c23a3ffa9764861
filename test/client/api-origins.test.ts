/**
 * cybrid.fetch and cybrid.middleware send the bank token only to the client's API origins: by
 * default the baseUrl's own origin on loopback (the emulator), plus `apiOrigins`. Anything else
 * is refused with ValidationError `origin_not_allowed` before a token is even fetched.
 */
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";
import { resourceServer } from "../helpers/resource-server.js";

type PingPaths = {
  "/ping": {
    get: {
      parameters: { query?: { q?: string } };
      responses: { 200: { content: { "application/json": { ok: boolean } } } };
    };
  };
};

function expectRefusal(error: unknown, origin: string) {
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe("origin_not_allowed");
  expect((error as Error).message).toContain(origin);
  expect((error as Error).message).toContain("apiOrigins");
  expect((error as Error).message).not.toMatch(/ping|secret-query/);
}

describe("cybrid.fetch and another origin", () => {
  it("refuses an origin that is not the client's, sending nothing and fetching no token", async () => {
    const emu = await emulator();
    const stub = await resourceServer();
    const error = await rejectionOf(clientFor(emu).fetch(`${stub.origin}/ping?q=secret-query`));
    expectRefusal(error, stub.origin);
    expect(stub.requests).toHaveLength(0);
    expect(emu.count("/oauth/token")).toBe(0);
  });

  it("sends the token to an origin named in apiOrigins", async () => {
    const emu = await emulator();
    const stub = await resourceServer();
    const cybrid = clientFor(emu, { apiOrigins: [stub.origin] });
    const response = await cybrid.fetch(`${stub.origin}/ping`);
    expect(response.status).toBe(200);
    expect(stub.requests[0]?.authorization).toMatch(/^Bearer ./);
    // A URL object and a Request are checked alike.
    expect((await cybrid.fetch(new URL(`${stub.origin}/ping`))).status).toBe(200);
    expect((await cybrid.fetch(new Request(`${stub.origin}/ping`))).status).toBe(200);
    expect(stub.requests).toHaveLength(3);
  });

  it("compares scheme, host and port exactly: localhost is not 127.0.0.1, userinfo tricks fail", async () => {
    const emu = await emulator();
    const stub = await resourceServer();
    const cybrid = clientFor(emu, { apiOrigins: [stub.origin] });
    const port = new URL(stub.origin).port;
    const lookalikes = [
      `http://localhost:${port}/ping`,
      `${emu.url}@localhost:${port}/ping`,
      `${stub.origin}@localhost:${port}/ping`,
      `https://127.0.0.1:${port}/ping`,
    ];
    for (const url of lookalikes) {
      const error = await rejectionOf(cybrid.fetch(url));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe("origin_not_allowed");
    }
    for (const input of [new URL(lookalikes[0]!), new Request(lookalikes[0]!)]) {
      expect((await rejectionOf(cybrid.fetch(input))).code).toBe("origin_not_allowed");
    }
    expect(stub.requests).toHaveLength(0);
    // The same origin spelt differently is still the same origin.
    const upper = stub.origin.replace("http://", "HTTP://");
    expect((await cybrid.fetch(`${upper}/ping`)).status).toBe(200);
  });

  it("a URL object changed after the call, while the token is fetched, is sent where it was checked", async () => {
    const emu = await emulator();
    const allowed = await resourceServer();
    const other = await resourceServer();
    const cybrid = clientFor(emu, { apiOrigins: [allowed.origin] });
    const url = new URL(`${allowed.origin}/ping`);
    const pending = cybrid.fetch(url);
    // The cache is cold: the call is waiting for its token. The caller reuses its URL object.
    url.port = new URL(other.origin).port;
    expect((await pending).status).toBe(200);
    expect(other.requests).toHaveLength(0);
    expect(allowed.requests).toHaveLength(1);
    expect(allowed.requests[0]?.authorization).toMatch(/^Bearer ./);
  });

  it("refuses a relative URL: it has no origin to check", async () => {
    const emu = await emulator();
    const error = await rejectionOf(clientFor(emu).fetch("/api/customer_tokens"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("origin_not_allowed");
    expect(error.message).toMatch(/relative/);
    expect(emu.requests).toHaveLength(0);
  });

  it("allows the emulator's own origin by default (a loopback baseUrl)", async () => {
    const emu = await emulator();
    const response = await clientFor(emu).fetch(`${emu.url}/api/customer_tokens`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect(emu.requests.at(-1)?.bearer?.valid).toBe(true);
  });
});

describe("cybrid.middleware and another origin", () => {
  it("makes openapi-fetch reject before sending, with no token fetched", async () => {
    const emu = await emulator();
    const stub = await resourceServer();
    const other = createClient<PingPaths>({ baseUrl: stub.origin });
    other.use(clientFor(emu).middleware);
    const error = await rejectionOf(
      other.GET("/ping", { params: { query: { q: "secret-query" } } }),
    );
    expectRefusal(error, stub.origin);
    expect(stub.requests).toHaveLength(0);
    expect(emu.count("/oauth/token")).toBe(0);
  });

  it("a later middleware that moves the request to another origin: the call rejects, saying where the token went", async () => {
    const emu = await emulator();
    const allowed = await resourceServer();
    const other = await resourceServer();
    const client = createClient<PingPaths>({ baseUrl: allowed.origin });
    // Registered after cybrid.middleware, it runs after it: the token is already on the request.
    const reroute = {
      onRequest({ request }: { request: Request }) {
        return new Request(request.url.replace(allowed.origin, other.origin), request);
      },
    };
    client.use(clientFor(emu, { apiOrigins: [allowed.origin] }).middleware, reroute);
    const error = await rejectionOf(client.GET("/ping"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("origin_not_allowed");
    expect(error.message).toContain(other.origin);
    expect(error.message).toMatch(/middleware after/);
    // openapi-fetch gives no hook after the last middleware: the one request went out.
    expect(other.requests).toHaveLength(1);
    expect(allowed.requests).toHaveLength(0);
  });

  it("authenticates a client of an origin named in apiOrigins", async () => {
    const emu = await emulator();
    const stub = await resourceServer();
    const other = createClient<PingPaths>({ baseUrl: stub.origin });
    other.use(clientFor(emu, { apiOrigins: [stub.origin] }).middleware);
    const { data } = await other.GET("/ping");
    expect(data).toEqual({ ok: true });
    expect(stub.requests[0]?.authorization).toMatch(/^Bearer ./);
  });
});

describe("the apiOrigins option", () => {
  it.each([
    ["not a list", "https://bank.example"],
    ["not a URL", ["bank.example"]],
    ["plain http off loopback", ["http://bank.example"]],
    ["a path", ["https://bank.example/api"]],
    ["a query", ["https://bank.example?x=1"]],
    ["a fragment", ["https://bank.example#x"]],
    ["userinfo", ["https://user:hunter2-secret@bank.example"]],
    ["another scheme", ["ftp://bank.example"]],
  ])("rejects %s at createCybridId, naming no value", async (_, apiOrigins) => {
    const emu = await emulator();
    let error: unknown;
    try {
      clientFor(emu, { apiOrigins: apiOrigins as string[] });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("invalid_configuration");
    expect((error as Error).message).toContain("apiOrigins");
    expect((error as Error).message).not.toContain("hunter2");
    expect(emu.requests).toHaveLength(0);
  });

  it("accepts https origins, a trailing slash, and http on loopback", async () => {
    const emu = await emulator();
    expect(() =>
      clientFor(emu, {
        apiOrigins: ["https://bank.example", "https://bank.example:8443/", "http://[::1]:4010"],
      }),
    ).not.toThrow();
  });
});
