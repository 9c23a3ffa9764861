/**
 * Response bodies of the identity provider are read up to MAX_RESPONSE_BYTES (64 KiB), never
 * buffered whole: a server answering 100 MB (or 20 MB of `error_description`) gets an
 * InvalidResponseError `response_too_large` at once, not retried, and the connection closed,
 * over real HTTP against a small node:http server of the test's own.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidResponseError, createCybridId } from "../../src/index.js";
import { MAX_RESPONSE_BYTES, readAtMost } from "../../src/pipeline/bounded-body.js";
import { GUID, clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";

const MB = 1024 * 1024;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Served {
  url: string;
  requests: number;
  /** Bytes of body the server got to write before the client hung up. */
  written: number;
  /** Resolves when the client closed the connection of the last request. */
  closed: Promise<void>;
}

/** A server whose every answer is `answer`; it counts requests and the bytes it wrote. */
async function serve(answer: (res: ServerResponse, served: Served) => void): Promise<Served> {
  let onClosed = () => {};
  const served: Served = {
    url: "",
    requests: 0,
    written: 0,
    closed: new Promise<void>((resolve) => (onClosed = resolve)),
  };
  const server = createServer((req: IncomingMessage, res) => {
    served.requests++;
    req.resume();
    res.on("close", onClosed);
    answer(res, served);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  served.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return served;
}

/** Writes `total` bytes made of `chunk`, respecting backpressure, until done or closed. */
function stream(res: ServerResponse, served: Served, total: number, chunk: Buffer): void {
  const pump = () => {
    while (served.written < total && !res.destroyed) {
      served.written += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const client = (url: string) =>
  createCybridId({
    baseUrl: url,
    clientId: "id",
    clientSecret: "the-secret",
    logger: "silent",
    timeout: 10_000,
    backoff: { base: 10, max: 20 },
  });

describe("response bodies are capped", () => {
  it("documents 64 KiB", () => {
    expect(MAX_RESPONSE_BYTES).toBe(64 * 1024);
  });

  it("a 100 MB token response (chunked): response_too_large at once, not retried, connection closed", async () => {
    const served = await serve((res, s) => {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "req-1" });
      stream(res, s, 100 * MB, Buffer.alloc(64 * 1024, "a"));
    });
    const before = process.memoryUsage();
    const started = performance.now();
    const error = await rejectionOf(client(served.url).getToken());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ code: "response_too_large", status: 200, requestId: "req-1" });
    expect(error.attempts).toBe(1);
    expect(error.message).toContain(`${MAX_RESPONSE_BYTES} bytes`);
    expect(performance.now() - started).toBeLessThan(3_000);
    await served.closed; // the client hung up rather than draining the rest
    expect(served.requests).toBe(1);
    // Socket buffers hold a few MB at most; reading the whole body would write all 100 MB.
    expect(served.written).toBeLessThan(20 * MB);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(40 * MB);
  });

  it("a 20 MB error_description with a Content-Length: refused unread, message short", async () => {
    const body = JSON.stringify({
      error: "invalid_request",
      error_description: "x".repeat(20 * MB),
    });
    const served = await serve((res, s) => {
      res.writeHead(400, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      stream(res, s, body.length, Buffer.from(body.slice(0, 64 * 1024)));
    });
    const error = await rejectionOf(client(served.url).getToken());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ code: "response_too_large", status: 400, attempts: 1 });
    expect(error.message.length).toBeLessThan(400);
    expect(error.bodyExcerpt).toMatch(/^\{"error":"invalid_request","error_description":"x+…$/);
    await served.closed;
    expect(served.written).toBeLessThan(20 * MB);
  });

  it("a 20 MB 503 without a Content-Length: not retried either (a server that misbehaves so is not transient)", async () => {
    const served = await serve((res, s) => {
      res.writeHead(503, { "content-type": "text/html" });
      stream(res, s, 20 * MB, Buffer.alloc(16 * 1024, "<p>"));
    });
    const error = await rejectionOf(client(served.url).getToken());
    expect(error).toMatchObject({ code: "response_too_large", status: 503, attempts: 1 });
    expect(served.requests).toBe(1);
    await served.closed;
  });

  it("a body of exactly the cap is read; UTF-8 split across chunks decodes whole", async () => {
    const description = "café ünïcødé ✓ 💳";
    const json = JSON.stringify({ error: "invalid_request", error_description: description });
    const padded = json + " ".repeat(MAX_RESPONSE_BYTES - Buffer.byteLength(json));
    const bytes = Buffer.from(padded);
    expect(bytes.length).toBe(MAX_RESPONSE_BYTES);
    const served = await serve((res) => {
      res.writeHead(400, { "content-type": "application/json" });
      // One byte per write through the multi-byte characters, so they arrive split.
      const split = json.indexOf("café");
      res.write(bytes.subarray(0, split));
      for (let i = split; i < split + 40; i++) res.write(bytes.subarray(i, i + 1));
      res.end(bytes.subarray(split + 40));
    });
    const error = await rejectionOf(client(served.url).getToken());
    expect(error.name).toBe("BadRequestError");
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain(description);
  });

  it("one byte over the cap is too large", async () => {
    const served = await serve((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(Buffer.alloc(MAX_RESPONSE_BYTES + 1, " "));
    });
    const error = await rejectionOf(client(served.url).getToken());
    expect(error.code).toBe("response_too_large");
  });
});

describe("the customer-token endpoint", () => {
  it("a 201 of 100 KB from POST /api/customer_tokens: response_too_large, not retried", async () => {
    const emu = await emulator();
    emu.inject({
      path: "/api/customer_tokens",
      status: 201,
      body: { access_token: "x".repeat(100_000) },
    });
    const error = await rejectionOf(
      clientFor(emu).createCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ code: "response_too_large", status: 201, attempts: 1 });
    expect(emu.count("/api/customer_tokens")).toBe(1);
  });
});

describe("readAtMost", () => {
  it("stops an endless stream past the bound and cancels it", async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1000).fill(0x61));
      },
      cancel() {
        cancelled = true;
      },
    });
    const bytes = await readAtMost(endless, 10_000);
    expect(bytes.size).toBeGreaterThan(10_000); // over the bound: too large
    expect(bytes.size).toBeLessThanOrEqual(11_000); // by one chunk at most
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(15);
  });

  it("returns every byte of a body within the bound, chunks joined in order", async () => {
    const parts = [[1, 2], [3], [4, 5, 6]];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new Uint8Array(part));
        controller.close();
      },
    });
    const bytes = await readAtMost(body, 6);
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6]));
  });
});
