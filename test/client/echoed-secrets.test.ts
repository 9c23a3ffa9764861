/**
 * A hostile or careless server (or a proxy, or a custom fetch) echoes the client secret back:
 * raw across the excerpt's cut, re-encoded (form, percent, JSON, Basic), inside a thrown
 * error's cause, in a 20 MB description. No 8-character fragment of it may reach a message,
 * an excerpt, a stack, a cause, `util.inspect`, `JSON.stringify` or a log line.
 */
import { describe, expect, it } from "vitest";
import { formUrlEncode } from "../../src/log/redactor.js";
import { basicCredentials } from "../../src/token/basic-credentials.js";
import type { Emulator } from "../../src/emulator/index.js";
import { createCybridId, ValidationError, type CybridIdOptions } from "../../src/index.js";
import { clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";
import {
  collect,
  fragmentsOf,
  leakIn,
  recordingSink,
  renderingsOf,
} from "../helpers/leak-watch.js";

const CLIENT_ID = "echo-client";
/** Every character that an encoding changes: + / = " \ space & and a non-ASCII one. */
const SECRET = 'Xq7+kP/9z=Lm"4\\Tr8 wY2&vBé3nH';
const WATCHED = fragmentsOf(SECRET, CLIENT_ID);

const FORMS = {
  raw: SECRET,
  "form-urlencoded": formUrlEncode(SECRET),
  "percent-encoded": encodeURIComponent(SECRET),
  "JSON-escaped": JSON.stringify(SECRET).slice(1, -1),
  "Basic credentials": basicCredentials(CLIENT_ID, SECRET),
};

async function echoEmulator(): Promise<Emulator> {
  return emulator({ clients: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
}

/** A client of `emu` at debug level; returns it with the log lines it writes. */
function client(emu: Emulator, overrides: CybridIdOptions = {}) {
  const { sink, lines } = recordingSink();
  return { cybrid: clientFor(emu, { logger: { level: "debug", sink }, ...overrides }), lines };
}

/** Fails naming the first output that holds a fragment of the secret, in any form. */
function expectNoFragment(outputs: string[]): void {
  collect(...outputs); // and the file's leak watch sees them too
  for (const output of outputs) {
    const leak = leakIn(output, WATCHED);
    expect(leak, `"${leak}" leaked into: ${output.slice(0, 400)}`).toBeUndefined();
  }
}

function everyRendering(error: any, lines: string[]): string[] {
  return [
    ...renderingsOf(error),
    error.message,
    error.bodyExcerpt ?? "",
    ...renderingsOf(error.cause),
    ...lines,
  ];
}

describe("secrets echoed back by the server", () => {
  it("an HTML page echoing the secret across the 120-character excerpt cut", async () => {
    const emu = await echoEmulator();
    // Folded, the page's text puts the secret at character 110: it straddles the cut.
    const page = `<html><body><p>${"a".repeat(95)}${SECRET} and the rest of a long page</p></body></html>`;
    expect(page.indexOf(SECRET)).toBe(110);
    emu.inject({ path: "/oauth/token", status: 502, body: page, times: 3 });
    const { cybrid, lines } = client(emu);
    const error = await rejectionOf(cybrid.getToken());
    expect(error.status).toBe(502);
    expect(error.bodyExcerpt).toContain("[redacted]");
    expect(error.bodyExcerpt.length).toBeLessThanOrEqual(121);
    expectNoFragment(everyRendering(error, lines));
  });

  it.each(Object.entries(FORMS))("an error_description echoing it %s", async (_, form) => {
    const emu = await echoEmulator();
    emu.inject({
      path: "/oauth/token",
      status: 400,
      body: { error: "invalid_request", error_description: `credential ${form} is not allowed` },
    });
    const { cybrid, lines } = client(emu);
    const error = await rejectionOf(cybrid.getToken());
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("credential [redacted] is not allowed");
    expectNoFragment(everyRendering(error, lines));
  });

  // Echoes that hold none of the forms whole, but long runs of them: a server that cuts what it
  // echoes, an error page that HTML-escapes it, a JSON writer that escapes `/` and non-ASCII (as
  // PHP and Python do by default) in a body cut short, so it is not parsed.
  it.each([
    ["cut short by the server", `secret '${SECRET.slice(0, 16)}...' is not valid`, false],
    [
      "HTML-escaped in an error page",
      `<p>${SECRET.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}</p>`,
      true,
    ],
    [
      "escaped by another JSON writer, in a body cut short",
      `{"error":"bad","detail":"${JSON.stringify(SECRET).slice(1, -1).replace(/\//g, "\\/").replace("é", "\\u00e9")}`,
      true,
    ],
  ])("an echo %s: no run of it is left", async (_, echo, raw) => {
    const emu = await echoEmulator();
    emu.inject({
      path: "/oauth/token",
      status: 400,
      body: raw ? echo : { error: "invalid_client", error_description: echo },
      contentType: raw ? "text/plain" : undefined,
    });
    const { cybrid, lines } = client(emu);
    const error = await rejectionOf(cybrid.getToken());
    expect(error.status).toBe(400);
    expect(error.message).toContain("[redacted]");
    expectNoFragment(everyRendering(error, lines));
  });

  it("a long error_description becomes a capped message, redacted before the cut", async () => {
    const emu = await echoEmulator();
    // The secret straddles the 500-character cap of the server's text. (A body over the 64 KiB
    // read cap never becomes a message at all: see test/pipeline/response-size.test.ts.)
    const description = `${"d".repeat(495)}${SECRET}${"x".repeat(60_000)}`;
    emu.inject({
      path: "/oauth/token",
      status: 400,
      body: { error: "bad", error_description: description },
    });
    const { cybrid, lines } = client(emu);
    const error = await rejectionOf(cybrid.getToken());
    expect(error.message.length).toBeLessThan(700);
    // Cut at 500 characters, after the redaction (which the cut may shorten).
    expect(error.message).toContain(`${"d".repeat(495)}[reda…`);
    expect(lines.every((line) => line.length < 1000)).toBe(true);
    expectNoFragment(everyRendering(error, lines));
  }, 60_000);
});

describe("secrets in what a custom fetch throws", () => {
  it.each(Object.entries(FORMS))("a cause whose message holds it %s", async (_, form) => {
    const emu = await echoEmulator();
    const body = `grant_type=client_credentials&client_secret=${form}`;
    const inner = new Error(`socket closed while sending ${body}`);
    const thrown = new Error(`upstream said: ${body}`, { cause: inner });
    const { cybrid, lines } = client(emu, {
      maxRetries: 0,
      fetch: () => Promise.reject(thrown),
    });
    const error = await rejectionOf(cybrid.getToken());
    expect(error.code).toBe("connection_failed");
    // The cause is kept, redacted: same name, message and stack without the secret, and its
    // own cause too.
    expect(error.cause).not.toBe(thrown);
    expect(error.cause.name).toBe("Error");
    expect(error.cause.message).toBe(
      "upstream said: grant_type=client_credentials&client_secret=[redacted]",
    );
    expect(error.cause.stack).toContain("[redacted]");
    expect(error.cause.cause.message).toContain("socket closed while sending");
    expectNoFragment([...everyRendering(error, lines), ...renderingsOf(error.cause.cause)]);
  });

  it("a thrown string is carried redacted, any other value not at all", async () => {
    const emu = await echoEmulator();
    const causes = [];
    for (const thrown of [`body ${SECRET}`, { body: SECRET }]) {
      const { cybrid, lines } = client(emu, { maxRetries: 0, fetch: () => Promise.reject(thrown) });
      const error = await rejectionOf(cybrid.getToken());
      expect(error.code).toBe("connection_failed");
      causes.push("cause" in error ? error.cause : "no cause");
      expectNoFragment(everyRendering(error, lines));
    }
    expect(causes).toEqual(["body [redacted]", "no cause"]);
  });
});

describe("client secrets too short to redact safely", () => {
  it.each(["Zq9", "Zq9x7P2"])("%j is refused before anything is sent", async (secret) => {
    const emu = await emulator();
    const error = (() => {
      try {
        createCybridId({ baseUrl: emu.url, clientId: "id", clientSecret: secret });
      } catch (thrown) {
        return thrown as ValidationError;
      }
      throw new Error("accepted");
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe("invalid_configuration");
    expect(error.issues).toEqual(["clientSecret must be at least 8 characters"]);
    expect(error.message).not.toContain(secret);
    expect(emu.requests).toHaveLength(0);
  });

  it("8 characters are enough", () => {
    expect(() =>
      createCybridId({ baseUrl: "http://127.0.0.1:9", clientId: "id", clientSecret: "Zq9x7P2k" }),
    ).not.toThrow();
  });
});
