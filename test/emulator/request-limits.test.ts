/**
 * The emulator bounds what a request can make it hold: bodies past `maxRequestBytes` get 413
 * (ErrorResponse-shaped) without being read whole, and an aborted request leaves it serving.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { emulator, requestToken } from "../helpers/emulator-fixture.js";

const TOKEN = "/oauth/token";

/** Sends raw HTTP/1.1 and resolves with everything the server answered until it closed. */
function rawRequest(url: string, head: string, chunks: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.setEncoding("utf8").on("data", (data: string) => (answer += data));
    socket.on("close", () => resolve(answer));
    socket.on("error", (error) => (answer === "" ? reject(error) : resolve(answer)));
  });
}

describe("request bodies", () => {
  it("past the default 64 KiB: 413 with an ErrorResponse body; then serves as usual", async () => {
    const emu = await emulator();
    const response = await fetch(`${emu.url}${TOKEN}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", pad: "x".repeat(70_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      status: 413,
      error_message: "Request body larger than 65536 bytes",
      message_code: "payload_too_large",
    });
    expect(emu.requests.at(-1)).toMatchObject({ status: 413, body: undefined });
    const creds = { client_id: emu.clientId, client_secret: emu.clientSecret };
    expect((await requestToken(emu, creds)).status).toBe(200);
  });

  it("a 413 leaves a queued fault for the next request it applies to", async () => {
    const emu = await emulator({ maxRequestBytes: 1_000 });
    emu.inject({ path: TOKEN, status: 503 });
    const tooLarge = await fetch(`${emu.url}${TOKEN}`, { method: "POST", body: "x".repeat(2_000) });
    expect(tooLarge.status).toBe(413);
    expect(emu.requests.at(-1)?.fault).toBeUndefined();
    const creds = { client_id: emu.clientId, client_secret: emu.clientSecret };
    expect((await requestToken(emu, creds)).status).toBe(503);
    expect(emu.requests.at(-1)?.fault).toMatchObject({ status: 503 });
    expect((await requestToken(emu, creds)).status).toBe(200);
  });

  it("a chunked body (no content-length) is cut off at maxRequestBytes", async () => {
    const emu = await emulator({ maxRequestBytes: 1_000 });
    const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
    const answer = await rawRequest(
      emu.url,
      `POST ${TOKEN} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
        "transfer-encoding: chunked\r\n\r\n",
      [chunk("x".repeat(600)), chunk("x".repeat(600)), "0\r\n\r\n"],
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"message_code":"payload_too_large"');
    // Under the limit: read and answered as usual.
    const small = await fetch(`${emu.url}${TOKEN}`, { method: "POST", body: "x".repeat(900) });
    expect(small.status).toBe(400);
  });

  it("refuses a maxRequestBytes that is not a positive integer", async () => {
    await expect(emulator({ maxRequestBytes: 0 })).rejects.toThrow(/maxRequestBytes/);
  });
});
