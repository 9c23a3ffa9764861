/** Every documented error example of /api/customer_tokens surfaces as a typed error. */
import { describe, expect, it } from "vitest";
import { CybridIdError } from "../../src/index.js";
import { GUID, clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";

const PATH = "/api/customer_tokens";
const request = { customerGuid: GUID, scopes: ["accounts:read"] };

describe("documented errors of POST /api/customer_tokens", () => {
  it.each([
    [401, "invalid_subject", "invalid_subject", "AuthenticationError"],
    [401, "unauthorized", "unauthorized", "AuthenticationError"],
    [401, "malformed_auth_header", "authentication_malformed", "AuthenticationError"],
    [403, "invalid_scope", "invalid_scopes", "PermissionDeniedError"],
    [403, "forbidden", "forbidden", "PermissionDeniedError"],
    [422, "no_customer", "no_customer", "UnprocessableEntityError"],
  ])("%i %s -> code %s, %s, no retry", async (status, example, code, name) => {
    const emu = await emulator();
    emu.inject({ path: PATH, status, example });
    const error = await rejectionOf(clientFor(emu).createCustomerToken(request));
    expect(error).toBeInstanceOf(CybridIdError);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.attempts).toBe(1);
    expect(emu.count(PATH)).toBe(1);
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it.each(["invalid_signature", "invalid_audience", "invalid_issuer", "expired_signature"])(
    "401 %s (authentication_failed): the bank token is refreshed once and the call retried",
    async (example) => {
      const emu = await emulator();
      emu.inject({ path: PATH, status: 401, example });
      const token = await clientFor(emu).createCustomerToken(request);
      expect(token.accessToken).toBeTruthy();
      expect(emu.count(PATH)).toBe(2);
      expect(emu.count("/oauth/token")).toBe(2);

      emu.resetLog();
      emu.inject({ path: PATH, status: 401, example, times: 2 });
      const error = await rejectionOf(clientFor(emu).createCustomerToken(request));
      expect(error.name).toBe("AuthenticationError");
      expect(error.code).toBe("authentication_failed");
      expect(emu.count(PATH)).toBe(2);
    },
  );

  it("a real unknown customer is a 422 no_customer", async () => {
    const emu = await emulator({ customers: ["f".repeat(32)] });
    const error = await rejectionOf(clientFor(emu).createCustomerToken(request));
    expect(error.name).toBe("UnprocessableEntityError");
    expect(error.code).toBe("no_customer");
  });

  it("a bank token without customers:write is a 403 invalid_scopes, never refreshed", async () => {
    const emu = await emulator();
    const error = await rejectionOf(
      clientFor(emu, { scopes: ["customers:read"] }).createCustomerToken(request),
    );
    expect(error.name).toBe("PermissionDeniedError");
    expect(error.code).toBe("invalid_scopes");
    expect(emu.count("/oauth/token")).toBe(1);
    expect(emu.count(PATH)).toBe(1);
  });
});
