/**
 * A token response is hostile until checked: an access_token that cannot be sent as a Bearer
 * credential, or a token of another type, is an InvalidResponseError (not retried), never a
 * token sent as what it is not.
 */
import { describe, expect, it } from "vitest";
import { GUID, clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";

const TOKEN = "/oauth/token";

describe("the token response", () => {
  it.each([
    ["CR/LF", "secret-part\r\nX-Injected: 1"],
    ["a space", "secret-part other"],
    ["a quote", 'secret-part"'],
    ["a control character", "secret-part\u0000"],
    ["non-ASCII", "secret-partÿ"],
  ])("an access_token with %s: InvalidResponseError, not retried", async (_, accessToken) => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 200,
      body: { access_token: accessToken, token_type: "Bearer", expires_in: 60 },
    });
    const error = await rejectionOf(clientFor(emu).getToken());
    expect(error).toMatchObject({ name: "InvalidResponseError", code: "invalid_response" });
    expect(error.message).toContain("not a bearer token");
    expect(error.message).not.toContain("secret-part");
    expect(emu.count(TOKEN)).toBe(1);
  });

  it("a customer token with CR/LF: InvalidResponseError", async () => {
    const emu = await emulator();
    emu.inject({
      path: "/api/customer_tokens",
      status: 201,
      body: { access_token: "eyJ.a.b\r\nX-Injected: 1" },
    });
    const error = await rejectionOf(
      clientFor(emu).getCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] }),
    );
    expect(error).toMatchObject({ name: "InvalidResponseError" });
  });

  it.each([
    // Named in the message as sent: another type would be sent as what it is not.
    ["mac", 'token_type "mac"'],
    ["DPoP", 'token_type "DPoP"'],
    ["N_A", 'token_type "N_A"'],
    [42, 'token_type "42"'],
    // Not a string: never taken for Bearer, nor a TypeError while reading it.
    [["Bearer"], "token_type"],
    [{ toString: 1 }, "token_type"],
    [null, "token_type"],
  ])("token_type %j: InvalidResponseError, not relabelled Bearer", async (tokenType, named) => {
    const emu = await emulator();
    emu.inject({
      path: TOKEN,
      status: 200,
      body: { access_token: "opaque-token", token_type: tokenType, expires_in: 60 },
    });
    const error = await rejectionOf(clientFor(emu).getToken());
    expect(error).toMatchObject({ name: "InvalidResponseError", code: "invalid_response" });
    expect(error.message).toContain(named);
    expect(emu.count(TOKEN)).toBe(1);
  });

  it.each([["bearer"], ["BEARER"], [undefined]])(
    "token_type %j is a Bearer token (case-insensitive; absent means Bearer)",
    async (tokenType) => {
      const emu = await emulator();
      emu.inject({
        path: TOKEN,
        status: 200,
        body: { access_token: "opaque-token_1.2~3+4/5==", token_type: tokenType, expires_in: 60 },
      });
      const token = await clientFor(emu).getToken();
      expect(token).toMatchObject({ accessToken: "opaque-token_1.2~3+4/5==", tokenType: "Bearer" });
    },
  );
});
