/**
 * Network failures of a cybrid.fetch resource request reach the caller as typed errors, the
 * original kept as `cause`: ConnectionError `connection_failed` (refused, reset) and
 * TimeoutError `timeout` (the per-attempt timeout). A caller's own abort still rejects with the
 * caller's reason. No token appears in what the error shows. cybrid.middleware does the same
 * for what an openapi-fetch client's fetch throws (openapi-fetch would hand it on raw).
 */
import { inspect } from "node:util";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { ConnectionError, TimeoutError } from "../../src/index.js";
import { clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";
import { collect, fragmentsOf, leakIn, renderingsOf } from "../helpers/leak-watch.js";
import { closedOrigin, resourceServer } from "../helpers/resource-server.js";

const PATH = "/api/customer_tokens";

function expectNoToken(error: unknown, token: string) {
  const shown = [String(error), JSON.stringify(error), inspect(error, { depth: 10 })];
  for (const text of shown) expect(text).not.toContain(token);
}

describe("cybrid.fetch network failures", () => {
  it("a transport error that quotes the request keeps no token in its cause", async () => {
    const emu = await emulator();
    const origin = await closedOrigin();
    // A custom fetch (a proxy agent, an instrumented fetch) whose error quotes the headers.
    const quoting: typeof fetch = (input, init) => {
      if (!String(input instanceof Request ? input.url : input).startsWith(origin))
        return fetch(input, init);
      const headers = new Headers(init?.headers);
      return Promise.reject(new Error(`proxy refused: ${headers.get("authorization")}`));
    };
    const cybrid = clientFor(emu, { apiOrigins: [origin], fetch: quoting });
    const { accessToken } = await cybrid.getToken();
    const error = await rejectionOf(cybrid.fetch(`${origin}/ping`));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.cause.message).toContain("proxy refused");
    expectNoToken(error, accessToken);
    expectNoToken(error.cause, accessToken);
  });

  it("a custom fetch that throws synchronously, quoting the request: the same redacted ConnectionError", async () => {
    const emu = await emulator();
    const origin = await closedOrigin();
    // Not an async function: it throws before any promise exists (a wrapper that validates
    // its arguments, or builds a Request, before calling the real fetch).
    const throwing: typeof fetch = (input, init) => {
      if (!String(input instanceof Request ? input.url : input).startsWith(origin))
        return fetch(input, init);
      throw new Error(`refusing ${JSON.stringify(init?.headers)}`);
    };
    const cybrid = clientFor(emu, { apiOrigins: [origin], fetch: throwing });
    const { accessToken } = await cybrid.getToken();
    const error = await rejectionOf(cybrid.fetch(`${origin}/ping`));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("connection_failed");
    expect(error.cause.message).toContain("refusing");
    expectNoToken(error, accessToken);
    expectNoToken(error.cause, accessToken);
  });

  it("connection refused: ConnectionError connection_failed, the fetch error as cause", async () => {
    const emu = await emulator();
    const origin = await closedOrigin();
    const cybrid = clientFor(emu, { apiOrigins: [origin] });
    const { accessToken } = await cybrid.getToken();
    const error = await rejectionOf(cybrid.fetch(`${origin}/ping?q=1`));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("connection_failed");
    expect(error.cause.name).toBe("TypeError");
    expect(error.message).toContain(origin);
    expect(error.message).not.toContain("/ping");
    expectNoToken(error, accessToken);
  });

  it("connection reset: ConnectionError", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const { accessToken } = await cybrid.getToken();
    emu.inject({ path: PATH, reset: true });
    const error = await rejectionOf(cybrid.fetch(`${emu.url}${PATH}`, { method: "POST" }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("connection_failed");
    expect(error.cause.name).toBe("TypeError");
    expectNoToken(error, accessToken);
  });

  it("the per-attempt timeout: TimeoutError timeout, the DOMException as cause", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { timeout: 300 });
    const { accessToken } = await cybrid.getToken();
    emu.inject({ path: PATH, hang: true });
    const error = await rejectionOf(cybrid.fetch(`${emu.url}${PATH}`, { method: "POST" }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe("timeout");
    expect((error.cause as Error).name).toBe("TimeoutError");
    expectNoToken(error, accessToken);
  });

  it("a caller's abort rejects with the caller's reason, unwrapped", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { timeout: 3_000 });
    await cybrid.getToken();
    emu.inject({ path: PATH, hang: true });
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    setTimeout(() => controller.abort(reason), 100);
    const error = await rejectionOf(
      cybrid.fetch(`${emu.url}${PATH}`, { method: "POST", signal: controller.signal }),
    );
    expect(error).toBe(reason);
  });
});

type PingPaths = {
  "/ping": { get: { responses: { 200: { content: { "application/json": unknown } } } } };
};

/** Fails naming the first rendering of `error` (and of its cause) with any 8-character run of `token`. */
function expectNoFragment(error: unknown, token: string) {
  const outputs = [...renderingsOf(error), ...renderingsOf((error as Error).cause)];
  collect(...outputs); // and the file's leak watch sees them too
  const watched = fragmentsOf(token);
  for (const output of outputs) {
    const leak = leakIn(output, watched);
    expect(leak, `"${leak}" leaked into: ${output.slice(0, 300)}`).toBeUndefined();
  }
}

/**
 * An openapi-fetch client of `origin` with cybrid.middleware, whose own fetch fails the way
 * `fail` says, quoting the request's headers (a proxy agent, an instrumented fetch).
 */
function failingClient(
  cybrid: ReturnType<typeof clientFor>,
  origin: string,
  fail: (message: string) => Promise<Response>,
) {
  const client = createClient<PingPaths>({
    baseUrl: origin,
    fetch: (request: Request) =>
      fail(`proxy refused ${JSON.stringify(Object.fromEntries(request.headers))}`),
  });
  client.use(cybrid.middleware);
  return client;
}

describe("cybrid.middleware network failures", () => {
  it.each([
    ["rejects", (message: string) => Promise.reject(new Error(message))],
    [
      "throws synchronously",
      (message: string): Promise<Response> => {
        throw new Error(message);
      },
    ],
  ])(
    "an openapi-fetch fetch that %s quoting the request: ConnectionError, no part of the token",
    async (_, fail) => {
      const emu = await emulator();
      const origin = await closedOrigin();
      const cybrid = clientFor(emu, { apiOrigins: [origin] });
      const { accessToken } = await cybrid.getToken();
      const error = await rejectionOf(failingClient(cybrid, origin, fail).GET("/ping"));
      expectNoFragment(error, accessToken);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.code).toBe("connection_failed");
      expect(error.message).toContain(origin);
      expect(error.cause.message).toContain("proxy refused");
    },
  );

  it("the replay after a 401 fails the same way: redacted too", async () => {
    const emu = await emulator();
    const api = await resourceServer();
    const cybrid = clientFor(emu, { apiOrigins: [api.origin] });
    const { accessToken } = await cybrid.getToken();
    // The server rejects the token: the middleware drops it and replays with a new one, whose
    // send fails quoting it.
    cybrid.invalidate();
    const client = createClient<PingPaths>({
      baseUrl: api.origin,
      fetch: async (request: Request) =>
        request.headers.get("authorization") === `Bearer ${accessToken}`
          ? new Response("{}", { status: 401 })
          : Promise.reject(new Error(`proxy refused ${request.headers.get("authorization")}`)),
    });
    client.use(cybrid.middleware);
    const error = await rejectionOf(client.GET("/ping"));
    const fresh = (await cybrid.getToken()).accessToken;
    expect(fresh).not.toBe(accessToken);
    expectNoFragment(error, fresh);
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it("a caller's abort rejects with the caller's reason, unwrapped", async () => {
    const emu = await emulator();
    const origin = await closedOrigin();
    const cybrid = clientFor(emu, { apiOrigins: [origin] });
    await cybrid.getToken();
    const reason = new Error("caller gave up");
    const client = createClient<PingPaths>({
      baseUrl: origin,
      fetch: (request: Request) =>
        new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(reason))),
    });
    client.use(cybrid.middleware);
    const controller = new AbortController();
    const call = client.GET("/ping", { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejectionOf(call)).toBe(reason);
  });

  it("a caller's abort that the fetch reports its own way, quoting the request: the caller's reason", async () => {
    const emu = await emulator();
    const origin = await closedOrigin();
    const cybrid = clientFor(emu, { apiOrigins: [origin] });
    const { accessToken } = await cybrid.getToken();
    const reason = new Error("caller gave up");
    // node-fetch, say, rejects with an AbortError of its own; a wrapper may quote the headers.
    const client = failingClient(
      cybrid,
      origin,
      (message) =>
        new Promise((_, reject) => {
          controller.signal.addEventListener("abort", () =>
            reject(new Error(`${message} aborted`)),
          );
        }),
    );
    const controller = new AbortController();
    const call = client.GET("/ping", { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejectionOf(call);
    expectNoFragment(error, accessToken);
    expect(error).toBe(reason);
  });
});
