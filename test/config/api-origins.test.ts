/**
 * The origins a client's bank token may go to by environment, and the guard against the URL
 * parser: it allows exactly what is an allowed origin by `new URL(x).origin`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apiOriginGuard } from "../../src/config/api-origins.js";
import {
  DEFAULT_BASE_URL,
  PRODUCTION_ID_URL,
  defaultApiOrigins,
} from "../../src/config/environments.js";
import { ValidationError, createCybridId } from "../../src/index.js";

const SANDBOX = ["https://bank.sandbox.cybrid.app", "https://organization.sandbox.cybrid.app"];
const PRODUCTION = [
  "https://bank.production.cybrid.app",
  "https://organization.production.cybrid.app",
];

function refusal(guard: ReturnType<typeof apiOriginGuard>, url: string): unknown {
  try {
    guard(url, "cybrid.fetch");
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("default API origins", () => {
  it("sandbox and production IdPs map to the bank and organization APIs of the same environment", () => {
    expect(defaultApiOrigins(DEFAULT_BASE_URL)).toEqual(SANDBOX);
    expect(defaultApiOrigins("https://id.sandbox.cybrid.app")).toEqual(SANDBOX);
    expect(defaultApiOrigins(PRODUCTION_ID_URL)).toEqual(PRODUCTION);
  });

  it("a loopback IdP (the emulator) maps to its own origin; any other IdP to none", () => {
    expect(defaultApiOrigins("http://127.0.0.1:4010")).toEqual(["http://127.0.0.1:4010"]);
    expect(defaultApiOrigins("http://localhost:8080/idp")).toEqual(["http://localhost:8080"]);
    expect(defaultApiOrigins("http://[::1]:9000")).toEqual(["http://[::1]:9000"]);
    expect(defaultApiOrigins("https://id.example.com")).toEqual([]);
  });

  it("a sandbox client refuses production and anything else before calling its fetch", async () => {
    const sent: string[] = [];
    const cybrid = createCybridId({
      clientId: "id",
      clientSecret: "secret-value",
      fetch: async (input) => {
        sent.push(String(input));
        throw new Error("nothing may be sent in this test");
      },
    });
    for (const url of [`${PRODUCTION[0]}/api/banks`, "https://example.com/", "/api/banks"]) {
      const error = await cybrid.fetch(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe("origin_not_allowed");
    }
    expect(sent).toEqual([]);
  });
});

describe("the origin guard", () => {
  const guard = apiOriginGuard([...SANDBOX, "http://127.0.0.1:4010"]);

  it("allows the origins however the URL spells them", () => {
    for (const url of [
      "https://bank.sandbox.cybrid.app",
      "https://bank.sandbox.cybrid.app/api/customers?x=1",
      "https://bank.sandbox.cybrid.app?x",
      "https://bank.sandbox.cybrid.app#x",
      "HTTPS://BANK.sandbox.cybrid.app:443/api",
      "http://127.0.0.1:4010/ping",
    ]) {
      expect(refusal(guard, url), url).toBeUndefined();
    }
  });

  it("refuses lookalikes", () => {
    for (const url of [
      "https://bank.sandbox.cybrid.app.evil.test/",
      "https://bank.sandbox.cybrid.app@evil.test/",
      "https://bank.sandbox.cybrid.app:444/",
      "http://bank.sandbox.cybrid.app/",
      "https://bank.production.cybrid.app/",
      "http://127.0.0.1:40100/",
      "http://localhost:4010/",
      "https://bank.sandbox.cybrid.app\t.evil.test/",
      "data:text/plain,hello",
    ]) {
      const error = refusal(guard, url) as ValidationError;
      expect(error, url).toBeInstanceOf(ValidationError);
      expect(error.code).toBe("origin_not_allowed");
    }
  });

  it("allows exactly what the URL parser calls an allowed origin", () => {
    const allowed = new Set([...SANDBOX, "http://127.0.0.1:4010"]);
    const pieces = ["/", "?", "#", "@", ":", ".", "\\", "\t", "%2F", "x", "443", "evil.test"];
    const candidate = fc.tuple(
      fc.constantFrom(...allowed),
      fc.array(fc.constantFrom(...pieces), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(candidate, ([origin, rest]) => {
        const url = origin + rest.join("");
        let parsed: string | undefined;
        try {
          parsed = new URL(url).origin;
        } catch {
          parsed = undefined;
        }
        const ok = refusal(guard, url) === undefined;
        return ok === (parsed !== undefined && allowed.has(parsed));
      }),
    );
  });
});
