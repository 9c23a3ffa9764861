/**
 * POST /api/customer_tokens over real HTTP: a bank token mints customer JWTs; every way a
 * bearer can be wrong maps to the spec's 401 example, and the request log records it.
 */
import { describe, expect, it } from "vitest";
import {
  bankToken,
  claimsOf,
  emulator,
  GUID,
  requestCustomerToken,
} from "../helpers/emulator-fixture.js";
import { example } from "../helpers/spec-responses.js";

const PATH = "/api/customer_tokens";
const now = () => Math.floor(Date.now() / 1000);

describe("POST /api/customer_tokens", () => {
  it("mints a customer JWT for a bank token", async () => {
    const emu = await emulator();
    const token = await bankToken(emu, "customers:read customers:write");
    const answer = await requestCustomerToken(
      emu,
      { token },
      {
        customer_guid: GUID,
        scopes: ["trades:read", "accounts:read"],
      },
    );
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body as object)).toEqual(["access_token"]);
    const claims = claimsOf((answer.body as { access_token: string }).access_token);
    expect(claims).toMatchObject({
      sub: GUID,
      sub_type: "customer",
      scope: "trades:read accounts:read",
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(1800);
    expect(emu.requests[1]?.bearer).toEqual({ token, valid: true, exp: claimsOf(token).exp });
  });

  it("uses the configured customer token lifetime", async () => {
    const emu = await emulator({ customerTokenTtlSeconds: 90 });
    const token = await bankToken(emu);
    const first = await requestCustomerToken(emu, { token });
    const claims = claimsOf((first.body as { access_token: string }).access_token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(90);
    emu.configure({ customerTokenTtlSeconds: 10 });
    const second = await requestCustomerToken(emu, { token });
    const later = claimsOf((second.body as { access_token: string }).access_token);
    expect((later.exp as number) - (later.iat as number)).toBe(10);
  });

  describe("401: each bearer problem has its own example", () => {
    type Make = (
      emu: Awaited<ReturnType<typeof emulator>>,
    ) => Promise<{ token: string } | { header: string } | undefined>;
    const base = (emu: { url: string }) => ({
      iss: emu.url,
      aud: [emu.url],
      sub: "emulator-client",
      sub_type: "bank",
      scope: "customers:read customers:write",
      iat: now(),
      exp: now() + 600,
    });
    const cases: Array<[string, Make]> = [
      ["unauthorized", async () => undefined],
      ["malformed_auth_header", async () => ({ header: "Token abc" })],
      [
        "malformed_auth_header",
        async (emu) => ({ header: `Bearer ${await bankToken(emu)} extra` }),
      ],
      ["malformed_auth_header", async () => ({ token: "not-a-jwt" })],
      [
        "invalid_signature",
        async (emu) => ({ token: `${(await bankToken(emu)).slice(0, -4)}AAAA` }),
      ],
      [
        "invalid_signature",
        async (emu) => {
          const [, payload] = emu.signJwt(base(emu)).split(".");
          const none = Buffer.from('{"alg":"none"}').toString("base64url");
          return { token: `${none}.${payload}.` };
        },
      ],
      [
        "invalid_issuer",
        async (emu) => ({ token: emu.signJwt({ ...base(emu), iss: "https://evil" }) }),
      ],
      [
        "invalid_audience",
        async (emu) => ({ token: emu.signJwt({ ...base(emu), aud: ["https://bank.test"] }) }),
      ],
      [
        "expired_signature",
        async (emu) => ({ token: emu.signJwt({ ...base(emu), exp: now() - 1 }) }),
      ],
      [
        "invalid_subject",
        async (emu) => ({ token: emu.signJwt({ ...base(emu), sub_type: "customer" }) }),
      ],
    ];
    it.each(cases)("%s", async (name, make) => {
      const emu = await emulator();
      const auth = await make(emu);
      emu.resetLog();
      const answer = await requestCustomerToken(emu, auth);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(example(PATH, 401, name));
      const logged = emu.requests[0]?.bearer;
      if (auth === undefined || ("header" in auth && !/^bearer/i.test(auth.header))) {
        expect(logged).toBeUndefined();
      } else {
        expect(logged).toMatchObject({ valid: false, reason: name });
      }
    });

    it("refuses a customer token used as a bank token", async () => {
      const emu = await emulator();
      const minted = await requestCustomerToken(emu, { token: await bankToken(emu) });
      const token = (minted.body as { access_token: string }).access_token;
      const answer = await requestCustomerToken(emu, { token });
      expect(answer.body).toEqual(example(PATH, 401, "invalid_subject"));
    });

    it("logs the exp of an expired bearer", async () => {
      const emu = await emulator();
      const exp = now() - 30;
      await requestCustomerToken(emu, { token: emu.signJwt({ ...base(emu), exp }) });
      expect(emu.requests[0]?.bearer).toMatchObject({
        valid: false,
        reason: "expired_signature",
        exp,
      });
    });
  });

  it("403 invalid_scope without customers:write and customers:read", async () => {
    const emu = await emulator();
    for (const scope of ["customers:read", "customers:write", "trades:read"]) {
      const answer = await requestCustomerToken(emu, { token: await bankToken(emu, scope) });
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual(example(PATH, 403, "invalid_scope"));
    }
  });

  describe("400 bad_request with the validator's message", () => {
    const cases: Array<[string, unknown, RegExp]> = [
      [
        "a short guid",
        { customer_guid: "abc", scopes: ["trades:read"] },
        /^customer_guid: must NOT have fewer than 32 characters$/,
      ],
      [
        "no scopes",
        { customer_guid: GUID, scopes: [] },
        /scopes: must NOT have fewer than 1 items/,
      ],
      [
        "an unknown scope",
        { customer_guid: GUID, scopes: ["nothing:read"] },
        /scopes\.0: must be equal to one of the allowed values/,
      ],
      [
        "a duplicate scope",
        { customer_guid: GUID, scopes: ["trades:read", "trades:read"] },
        /must NOT have duplicate items/,
      ],
      [
        "a missing guid",
        { scopes: ["trades:read"] },
        /must have required property 'customer_guid'/,
      ],
      [
        "an extra field",
        { customer_guid: GUID, scopes: ["trades:read"], x: 1 },
        /must NOT have additional properties/,
      ],
      ["malformed JSON", "{oops", /must be JSON/],
    ];
    it.each(cases)("%s", async (_, body, message) => {
      const emu = await emulator();
      const answer = await requestCustomerToken(emu, { token: await bankToken(emu) }, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ status: 400, message_code: "bad_request" });
      expect((answer.body as { error_message: string }).error_message).toMatch(message);
    });
  });

  it("422 no_customer for a guid outside the configured customers", async () => {
    const emu = await emulator({ customers: [GUID] });
    const token = await bankToken(emu);
    expect((await requestCustomerToken(emu, { token })).status).toBe(201);
    const other = { customer_guid: "0".repeat(32), scopes: ["trades:read"] };
    const answer = await requestCustomerToken(emu, { token }, other);
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual(example(PATH, 422, "no_customer"));
    emu.configure({ customers: undefined });
    expect((await requestCustomerToken(emu, { token }, other)).status).toBe(201);
    emu.configure({ customers: [] });
    expect((await requestCustomerToken(emu, { token })).status).toBe(422);
  });
});
