/**
 * POST /oauth/token over real HTTP: the grant in JSON, form and Basic flavours, the JWT it
 * mints, and every refusal with the spec's example body.
 */
import { describe, expect, it } from "vitest";
import {
  claimsOf,
  emulator,
  postJson,
  read,
  requestCustomerToken,
  requestToken,
} from "../helpers/emulator-fixture.js";
import { example } from "../helpers/spec-responses.js";
import { scopesFor } from "../../src/emulator/scopes.js";

const TOKEN = "/oauth/token";

describe("POST /oauth/token", () => {
  it("grants the asked scopes with a JSON body", async () => {
    const emu = await emulator();
    const before = Math.floor(Date.now() / 1000);
    const answer = await requestToken(emu, {
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      scope: "customers:read customers:write",
    });
    expect(answer.status).toBe(200);
    const body = answer.body as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: "Bearer",
      expires_in: 1800,
      scope: "customers:read customers:write",
    });
    expect(body.created_at).toBeGreaterThanOrEqual(before);
    const claims = claimsOf(body.access_token as string);
    expect(claims).toMatchObject({
      sub: emu.clientId,
      sub_type: "bank",
      scope: "customers:read customers:write",
      iss: emu.url,
      aud: [emu.url],
      iat: body.created_at,
      exp: (body.created_at as number) + 1800,
    });
  });

  it("grants every allowed scope when none is asked", async () => {
    const emu = await emulator();
    const answer = await requestToken(emu, {
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    });
    expect((answer.body as { scope: string }).scope.split(" ")).toEqual(scopesFor("bank"));
    expect(scopesFor("bank")).toContain("customers:write");
  });

  it("accepts an RFC 6749 form body", async () => {
    const emu = await emulator();
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      scope: "trades:read",
    });
    const answer = await read(await fetch(`${emu.url}${TOKEN}`, { method: "POST", body: form }));
    expect(answer.status).toBe(200);
    expect((answer.body as { scope: string }).scope).toBe("trades:read");
    expect(emu.requests[0]?.body).toEqual(Object.fromEntries(form));
  });

  it("refuses a form parameter sent twice (RFC 6749 section 3.1) with 400 invalid_request", async () => {
    const emu = await emulator();
    const grant = `client_id=${emu.clientId}&client_secret=${emu.clientSecret}`;
    for (const [twice, body] of [
      ["grant_type", `grant_type=client_credentials&grant_type=client_credentials&${grant}`],
      ["client_secret", `grant_type=client_credentials&${grant}&client_secret=wrong-secret`],
      ["client_secret", `grant_type=client_credentials&client_secret=wrong-secret&${grant}`],
    ] as const) {
      const answer = await read(
        await fetch(`${emu.url}${TOKEN}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
        }),
      );
      expect(answer.status, body).toBe(400);
      expect(answer.body).toEqual({
        ...(example(TOKEN, 400, "invalid_request") as object),
        error_description: expect.stringContaining(twice) as unknown,
      });
    }
  });

  it("accepts HTTP Basic client authentication", async () => {
    const emu = await emulator({ clients: [{ clientId: "bank id", clientSecret: "s3cr:t" }] });
    const basic = Buffer.from(`${encodeURIComponent("bank id")}:${encodeURIComponent("s3cr:t")}`);
    const headers = { authorization: `Basic ${basic.toString("base64")}` };
    const answer = await postJson(
      `${emu.url}${TOKEN}`,
      { grant_type: "client_credentials" },
      headers,
    );
    expect(answer.status).toBe(200);
    expect(claimsOf((answer.body as { access_token: string }).access_token).sub).toBe("bank id");
  });

  it("refuses credentials given both in Basic and in the body", async () => {
    const emu = await emulator();
    const basic = Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString("base64");
    const answer = await postJson(
      `${emu.url}${TOKEN}`,
      { grant_type: "client_credentials", client_id: emu.clientId, client_secret: "x" },
      { authorization: `Basic ${basic}` },
    );
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }).error).toBe("invalid_request");
  });

  it("answers every request with a unique X-Request-Id", async () => {
    const emu = await emulator();
    const ids = new Set<string | null>();
    for (let i = 0; i < 3; i++) ids.add((await requestToken(emu, {})).headers.get("x-request-id"));
    expect(ids.size).toBe(3);
    expect([...ids].every((id) => typeof id === "string" && id.length > 0)).toBe(true);
  });

  it("uses the configured lifetime, issuer and token paths", async () => {
    const emu = await emulator({
      tokenTtlSeconds: 60,
      issuer: "https://id.test",
      tokenPaths: ["/oauth/token", "/v1/oauth/token"],
    });
    const creds = { client_id: emu.clientId, client_secret: emu.clientSecret };
    const answer = await requestToken(emu, creds, "/v1/oauth/token");
    expect(answer.status).toBe(200);
    const body = answer.body as { expires_in: number; access_token: string };
    expect(body.expires_in).toBe(60);
    expect(claimsOf(body.access_token).iss).toBe("https://id.test");
    // A token of its own issuer is accepted on the customer endpoint.
    expect((await requestCustomerToken(emu, { token: body.access_token })).status).toBe(201);
    emu.configure({ tokenTtlSeconds: 5 });
    expect(((await requestToken(emu, creds)).body as { expires_in: number }).expires_in).toBe(5);
  });

  it("refuses a lifetime the spec does not allow", async () => {
    await expect(emulator({ tokenTtlSeconds: 0 })).rejects.toThrow(/tokenTtlSeconds/);
    await expect(emulator({ tokenTtlSeconds: 1.5 })).rejects.toThrow(/tokenTtlSeconds/);
  });

  describe("refusals", () => {
    const cases: Array<[string, (id: string, secret: string) => unknown, number, string]> = [
      [
        "a missing secret",
        (id) => ({ grant_type: "client_credentials", client_id: id }),
        400,
        "invalid_request",
      ],
      [
        "an unknown field",
        (id, s) => ({ grant_type: "client_credentials", client_id: id, client_secret: s, x: 1 }),
        400,
        "invalid_request",
      ],
      ["a JSON array", () => [], 400, "invalid_request"],
      ["malformed JSON", () => "{not json", 400, "invalid_request"],
      [
        "another grant type",
        (id, s) => ({ grant_type: "password", client_id: id, client_secret: s }),
        400,
        "unsupported_grant_type",
      ],
      [
        "a malformed scope",
        (id, s) => ({
          grant_type: "client_credentials",
          client_id: id,
          client_secret: s,
          scope: "customers:read,customers:write",
        }),
        400,
        "invalid_scope",
      ],
      [
        "a scope the spec does not know",
        (id, s) => ({
          grant_type: "client_credentials",
          client_id: id,
          client_secret: s,
          scope: "nothing:read",
        }),
        400,
        "invalid_scope",
      ],
      [
        "an unknown client",
        (_, s) => ({ grant_type: "client_credentials", client_id: "nobody", client_secret: s }),
        401,
        "invalid_client",
      ],
      [
        "a wrong secret",
        (id) => ({ grant_type: "client_credentials", client_id: id, client_secret: "wrong" }),
        401,
        "invalid_client",
      ],
    ];
    it.each(cases)("answers %s with %i %s", async (_, makeBody, status, error) => {
      const emu = await emulator();
      const answer = await postJson(`${emu.url}${TOKEN}`, makeBody(emu.clientId, emu.clientSecret));
      expect(answer.status).toBe(status);
      expect((answer.body as { error: string }).error).toBe(error);
      if (error !== "invalid_request") expect(answer.body).toEqual(example(TOKEN, status, error));
    });

    it("explains an invalid_request with the validator's words", async () => {
      const emu = await emulator();
      const answer = await postJson(`${emu.url}${TOKEN}`, {
        grant_type: "client_credentials",
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
        extra: 1,
      });
      expect((answer.body as { error_description: string }).error_description).toMatch(
        /must NOT have additional properties \(extra\)/,
      );
    });

    it("names the missing credential when neither the body nor Basic carries it", async () => {
      const emu = await emulator();
      const none = await postJson(`${emu.url}${TOKEN}`, { grant_type: "client_credentials" });
      expect(none.status).toBe(400);
      expect((none.body as { error_description: string }).error_description).toMatch(
        /^Missing client_id: .*HTTP Basic/,
      );
      const noSecret = await postJson(`${emu.url}${TOKEN}`, {
        grant_type: "client_credentials",
        client_id: emu.clientId,
      });
      expect((noSecret.body as { error_description: string }).error_description).toMatch(
        /^Missing client_secret/,
      );
    });

    it("refuses a scope the client may not have", async () => {
      const emu = await emulator({
        clients: [{ clientId: "b", clientSecret: "s", scopes: ["customers:read"] }],
      });
      const answer = await requestToken(emu, {
        client_id: "b",
        client_secret: "s",
        scope: "customers:read customers:write",
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(example(TOKEN, 400, "invalid_scope"));
      const allowed = await requestToken(emu, { client_id: "b", client_secret: "s" });
      expect((allowed.body as { scope: string }).scope).toBe("customers:read");
    });

    it("grants an organization client an organization-only scope", async () => {
      // banks:execute: the scope seed 003 names, for organization credentials only.
      const emu = await emulator({
        clients: [
          { clientId: "org", clientSecret: "s", kind: "organization", scopes: ["banks:execute"] },
        ],
      });
      const answer = await requestToken(emu, { client_id: "org", client_secret: "s" });
      expect(answer.status).toBe(200);
      expect((answer.body as { scope: string }).scope).toBe("banks:execute");
    });

    it("mints organization tokens with sub_type organization", async () => {
      const emu = await emulator({
        clients: [
          { clientId: "org", clientSecret: "s", kind: "organization", scopes: ["customers:read"] },
        ],
      });
      const answer = await requestToken(emu, { client_id: "org", client_secret: "s" });
      expect(claimsOf((answer.body as { access_token: string }).access_token).sub_type).toBe(
        "organization",
      );
    });

    it("answers an undecodable Basic header with invalid_client", async () => {
      const emu = await emulator();
      const headers = { authorization: `Basic ${Buffer.from("no-colon").toString("base64")}` };
      const answer = await postJson(
        `${emu.url}${TOKEN}`,
        { grant_type: "client_credentials" },
        headers,
      );
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(example(TOKEN, 401, "invalid_client"));
    });
  });

  it("answers an unknown path with 404 and a wrong method with 405", async () => {
    const emu = await emulator();
    const missing = await postJson(`${emu.url}/nope`, {});
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, message_code: "not_found" });
    const wrong = await read(await fetch(`${emu.url}${TOKEN}`));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect(wrong.body).toMatchObject({ status: 405, message_code: "method_not_allowed" });
  });
});
