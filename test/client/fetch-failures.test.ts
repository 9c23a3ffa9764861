/**
 * Network failures of a cybrid.fetch resource request reach the caller as typed errors, the
 * original kept as `cause`: ConnectionError `connection_failed` (refused, reset) and
 * TimeoutError `timeout` (the per-attempt timeout). A caller's own abort still rejects with the
 * caller's reason. No token appears in what the error shows.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConnectionError, TimeoutError } from "../../src/index.js";
import { clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";
import { closedOrigin } from "../helpers/resource-server.js";

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
