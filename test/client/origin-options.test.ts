/**
 * The client secret goes to the token endpoint of `baseUrl`'s origin and nowhere else: a
 * `tokenPath` that would move the host, and a `baseUrl` with userinfo, a query or a fragment,
 * are refused by createCybridId with a ValidationError, before anything is sent.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createCybridId, ValidationError } from "../../src/index.js";
import { clientFor, emulator } from "../helpers/client-harness.js";

const SECRET = "origin-test-client-secret-0123456789";

/** A fetch that records what it was asked to send, and answers nothing useful. */
function recordingFetch() {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return new Response("{}", { status: 500 });
  };
  return { fetch, urls };
}

function refusal(options: Parameters<typeof createCybridId>[0]): ValidationError {
  try {
    createCybridId(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("createCybridId accepted the options");
}

describe("tokenPath", () => {
  const BAD_PATHS = [
    ".evil.example/oauth/token", // would make the host id.sandbox.cybrid.app.evil.example
    "@evil.example/oauth/token", // would make the base URL userinfo
    ":8443/oauth/token", // another port
    "//evil.example/oauth/token", // protocol-relative
    "/\\evil.example/oauth/token",
    "oauth/token",
    "",
    "/oauth/token?x=1",
    "/oauth/token#x",
  ];

  it.each(BAD_PATHS)("refuses %j before anything is sent", (tokenPath) => {
    const { fetch, urls } = recordingFetch();
    const error = refusal({ clientId: "id", clientSecret: SECRET, tokenPath, fetch });
    expect(error.issues.join()).toMatch(/tokenPath/);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(urls).toEqual([]);
  });

  it("accepts a path on the base URL's origin, and sends the secret there", async () => {
    const emu = await emulator({ tokenPaths: ["/v1/oauth/token"] });
    await clientFor(emu, { tokenPath: "/v1/oauth/token" }).getToken();
    // A set: on a loaded machine an attempt may time out and be retried, to the same path.
    expect(new Set(emu.requests.map((request) => request.path))).toEqual(
      new Set(["/v1/oauth/token"]),
    );
  });
});

describe("baseUrl", () => {
  const BAD_URLS = [
    "https://alice:hunter2@id.sandbox.cybrid.app",
    "https://alice@id.sandbox.cybrid.app",
    "https://:hunter2@id.sandbox.cybrid.app",
    "https://id.sandbox.cybrid.app/?x=1",
    "https://id.sandbox.cybrid.app?",
    "https://id.sandbox.cybrid.app/#x",
    "https://id.sandbox.cybrid.app#",
  ];

  it.each(BAD_URLS)("refuses %s without echoing it", (baseUrl) => {
    const { fetch, urls } = recordingFetch();
    const error = refusal({ clientId: "id", clientSecret: SECRET, baseUrl, fetch });
    expect(error.issues.join()).toMatch(/baseUrl/);
    for (const text of [error.message, JSON.stringify(error), inspect(error)]) {
      expect(text).not.toMatch(/alice|hunter2|x=1/);
    }
    expect(urls).toEqual([]);
  });

  it("refuses userinfo that comes from CYBRID_ID_URL too", () => {
    const before = process.env.CYBRID_ID_URL;
    process.env.CYBRID_ID_URL = "https://alice:hunter2@id.sandbox.cybrid.app";
    try {
      const error = refusal({ clientId: "id", clientSecret: SECRET });
      expect(error.message).not.toMatch(/alice|hunter2/);
    } finally {
      if (before === undefined) delete process.env.CYBRID_ID_URL;
      else process.env.CYBRID_ID_URL = before;
    }
  });

  it("a client shows its base URL in util.inspect and JSON, never credentials", () => {
    const client = createCybridId({
      clientId: "id",
      clientSecret: SECRET,
      baseUrl: "https://id.sandbox.cybrid.app/",
    });
    expect(inspect(client)).toContain("https://id.sandbox.cybrid.app");
    expect(JSON.stringify(client)).toBe(
      '{"baseUrl":"https://id.sandbox.cybrid.app","clientId":"id"}',
    );
    expect(inspect(client)).not.toContain(SECRET);
  });
});
