/**
 * Every fault kind, over real HTTP: what the client receives, which requests a fault applies
 * to, and that close() stays prompt while a request hangs.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { FaultQueue } from "../../src/emulator/faults.js";
import { startEmulator } from "../../src/emulator/index.js";
import { bankToken, emulator, postJson, read, requestToken } from "../helpers/emulator-fixture.js";
import { example } from "../helpers/spec-responses.js";

const TOKEN = "/oauth/token";
const CUSTOMER = "/api/customer_tokens";

describe("faults", () => {
  it("answers with a status and the spec's named example", async () => {
    const emu = await emulator();
    emu.inject({ path: CUSTOMER, status: 401, example: "expired_signature" });
    const answer = await postJson(`${emu.url}${CUSTOMER}`, {});
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(example(CUSTOMER, 401, "expired_signature"));
    expect(answer.headers.get("x-request-id")).toBeTruthy();
    expect(emu.requests[0]?.fault).toMatchObject({ example: "expired_signature" });
    expect(emu.requests[0]?.status).toBe(401);
  });

  it("finds the status of an example, following $refs to components.responses", async () => {
    const emu = await emulator();
    emu.inject({ example: "non_working_hours" });
    emu.inject({ path: TOKEN, example: "rate_limited" });
    const first = await requestToken(emu, {});
    expect(first.status).toBe(503);
    expect(first.body).toEqual(example(TOKEN, 503, "non_working_hours"));
    const second = await requestToken(emu, {});
    expect(second.status).toBe(403);
    expect(second.body).toEqual(example(TOKEN, 403, "rate_limited"));
  });

  it("sends the spec's first example for a bare status, and a generic body outside the spec", async () => {
    const emu = await emulator();
    emu.inject({ status: 500 });
    emu.inject({ status: 502 });
    expect((await requestToken(emu, {})).body).toEqual(example(TOKEN, 500, "internal_error"));
    const bad = await requestToken(emu, {});
    expect(bad.status).toBe(502);
    expect(bad.body).toEqual({
      status: 502,
      error_message: "Bad Gateway",
      message_code: "bad_gateway",
    });
  });

  it("refuses an example the spec does not have", async () => {
    const emu = await emulator();
    expect(() => emu.inject({ status: 401, example: "no_such_example" })).toThrow(
      /no_such_example/,
    );
    expect(() => emu.inject({ path: TOKEN, status: 401, example: "expired_signature" })).toThrow();
    expect(() => emu.inject({ times: 0, status: 500 })).toThrow(/times/);
  });

  it("sends raw bodies: HTML, malformed JSON, empty", async () => {
    const emu = await emulator();
    emu.inject({ status: 502, body: "<html><body>Bad gateway</body></html>" });
    emu.inject({ status: 200, body: '{"access_token": ' });
    emu.inject({ status: 500, body: "" });
    emu.inject({ status: 200, body: { custom: true }, contentType: "application/vnd.test+json" });
    const html = await requestToken(emu, {});
    expect(html.contentType).toMatch(/^text\/html/);
    expect(html.text).toBe("<html><body>Bad gateway</body></html>");
    const broken = await requestToken(emu, {});
    expect(broken.contentType).toBe("application/json");
    expect(broken.text).toBe('{"access_token": ');
    const empty = await requestToken(emu, {});
    expect([empty.status, empty.text]).toEqual([500, ""]);
    const custom = await requestToken(emu, {});
    expect([custom.contentType, custom.body]).toEqual([
      "application/vnd.test+json",
      { custom: true },
    ]);
  });

  it("adds headers to a faulted or to a normal answer", async () => {
    const emu = await emulator();
    emu.inject({
      status: 503,
      example: "unavailable",
      headers: { "retry-after": "2", "retry-after-ms": "150" },
    });
    emu.inject({ headers: { "x-should-retry": "false" } });
    const faulted = await requestToken(emu, {});
    expect(faulted.headers.get("retry-after")).toBe("2");
    expect(faulted.headers.get("retry-after-ms")).toBe("150");
    const normal = await requestToken(emu, {
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    });
    expect(normal.status).toBe(200);
    expect(normal.headers.get("x-should-retry")).toBe("false");
  });

  it("delays the answer", async () => {
    const emu = await emulator();
    emu.inject({ delayMs: 150 });
    const started = performance.now();
    const answer = await requestToken(emu, {
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    });
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("hangs until the client gives up, and close() is still prompt", async () => {
    const emu = await startEmulator();
    emu.inject({ hang: true, times: Infinity });
    const aborted = fetch(`${emu.url}${TOKEN}`, {
      method: "POST",
      body: "{}",
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toThrow();
    const pending = fetch(`${emu.url}${TOKEN}`, { method: "POST", body: "{}" }).catch(
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emu.requests.map((r) => r.status)).toEqual([0, 0]);
    const started = performance.now();
    await emu.close();
    expect(performance.now() - started).toBeLessThan(3_000); // a hang would hold it forever
    expect(await pending).toBeInstanceOf(Error);
  });

  it("close() cuts a pending delay short", async () => {
    const emu = await startEmulator();
    emu.inject({ delayMs: 60_000 });
    const pending = fetch(`${emu.url}${TOKEN}`, { method: "POST", body: "{}" }).catch(
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await emu.close();
    expect(performance.now() - started).toBeLessThan(3_000); // the fault holds it for 60 s
    expect(await pending).toBeInstanceOf(Error);
  });

  it("resets the connection (ECONNRESET)", async () => {
    const emu = await emulator();
    emu.inject({ reset: true });
    const error = await fetch(`${emu.url}${TOKEN}`, { method: "POST", body: "{}" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNRESET");
    expect(emu.requests[0]?.status).toBe(0);
    // The next request is served normally.
    expect((await requestToken(emu, {})).status).toBe(400);
  });

  it("trickles the body after sending the headers at once", async () => {
    const emu = await emulator();
    emu.inject({ slowBodyMs: 300 });
    const started = performance.now();
    const response = await fetch(`${emu.url}${TOKEN}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "client_credentials",
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
      }),
    });
    const headersAt = performance.now() - started;
    const answer = await read(response);
    const bodyAt = performance.now() - started;
    // The headers come at once; the body takes (most of) the 300 ms after them.
    expect(bodyAt - headersAt).toBeGreaterThanOrEqual(200);
    expect(headersAt).toBeLessThan(bodyAt / 2);
    expect(answer.status).toBe(200);
    expect((answer.body as { token_type: string }).token_type).toBe("Bearer");
  });

  it("applies to matching paths only, `times` times, first match first", async () => {
    const emu = await emulator();
    const token = await bankToken(emu);
    emu.resetLog();
    emu.inject({ path: CUSTOMER, status: 500, times: 2 });
    emu.inject({ status: 503 });
    expect((await requestToken(emu, {})).status).toBe(503); // the path-less fault
    expect((await requestToken(emu, {})).status).toBe(400); // nothing left for /oauth/token
    const auth = { authorization: `Bearer ${token}` };
    const body = { customer_guid: "7f9d3e1c2b4a5968a7b6c5d4e3f2a1b0", scopes: ["trades:read"] };
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await postJson(`${emu.url}${CUSTOMER}`, body, auth)).status);
    expect(statuses).toEqual([500, 500, 201]);
    // A faulted request still logs its bearer: tests assert no expired token was ever sent.
    expect(emu.requests.filter((r) => r.path === CUSTOMER).every((r) => r.bearer?.valid)).toBe(
      true,
    );
  });

  it("applies Infinity times until cleared", async () => {
    const emu = await emulator();
    emu.inject({ status: 500, times: Infinity });
    for (let i = 0; i < 5; i++) expect((await requestToken(emu, {})).status).toBe(500);
    emu.clearFaults();
    expect((await requestToken(emu, {})).status).toBe(400);
  });

  it("close() also ends idle keep-alive sockets", async () => {
    const emu = await startEmulator();
    const port = Number(new URL(emu.url).port);
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const ended = new Promise((resolve) => socket.once("close", resolve));
    await emu.close();
    await ended;
    expect(socket.destroyed).toBe(true);
  });
});

describe("FaultQueue.giveBack", () => {
  it("puts a fault back where it stood, one use more; not after clear()", () => {
    const queue = new FaultQueue(() => undefined);
    queue.inject({ path: "/a", status: 500 });
    queue.inject({ status: 502 });
    const first = queue.take("/a");
    expect(first?.status).toBe(500);
    if (first !== undefined) queue.giveBack(first);
    // Back in its place, ahead of the 502 injected after it.
    expect(queue.take("/a")?.status).toBe(500);
    expect(queue.take("/a")?.status).toBe(502);
    queue.inject({ status: 503 });
    const taken = queue.take("/b");
    queue.clear();
    if (taken !== undefined) queue.giveBack(taken);
    expect(queue.take("/b")).toBeUndefined();
  });
});
