/**
 * `clientAuthentication`: the secret in the body (`client_secret_post`, Cybrid's default) or
 * in an HTTP Basic header (`client_secret_basic`, RFC 6749 section 2.3.1, with id and secret
 * each form-urlencoded before base64), against the emulator over real HTTP.
 */
import { describe, expect, it } from "vitest";
import { ValidationError, createCybridId } from "../../src/index.js";
import { validateCredentialsRequest } from "../../src/validation/validate.js";
import { clientFor, emulator } from "../helpers/client-harness.js";

// Characters that form-urlencoding changes (space, +, :, %, /, non-ASCII).
const ID = "bank id+1/é";
const SECRET = "s3cr:t +%2F/é-0123456789";

describe("clientAuthentication", () => {
  it("defaults to client_secret_post: id and secret in the body, no Authorization", async () => {
    const emu = await emulator();
    await clientFor(emu).getToken();
    const [request] = emu.requests;
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toMatchObject({
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    });
  });

  it.each(["json", "form"] as const)(
    "client_secret_basic sends HTTP Basic and a %s body without the credentials",
    async (tokenEncoding) => {
      const emu = await emulator({ clients: [{ clientId: ID, clientSecret: SECRET }] });
      const cybrid = clientFor(emu, {
        clientId: ID,
        clientSecret: SECRET,
        clientAuthentication: "client_secret_basic",
        tokenEncoding,
        // Room for a loaded machine: a timed-out attempt would be retried and counted.
        timeout: 10_000,
        deadline: 20_000,
      });
      const token = await cybrid.getToken({ scopes: ["customers:read"] });
      expect(token.scopes).toEqual(["customers:read"]);
      const [request] = emu.requests;
      // RFC 6749 2.3.1 by hand: form-urlencode each, then base64 of the UTF-8 bytes.
      const encoded = `${"bank+id%2B1%2F%C3%A9"}:${"s3cr%3At+%2B%252F%2F%C3%A9-0123456789"}`;
      expect(request?.headers.authorization).toBe(
        `Basic ${Buffer.from(encoded).toString("base64")}`,
      );
      expect(request?.body).toEqual({ grant_type: "client_credentials", scope: "customers:read" });
      expect(JSON.stringify(request?.body)).not.toContain("s3cr");
      // The emulator decoded the header back to this client: the token is its.
      expect(emu.count("/oauth/token")).toBe(1);
    },
  );

  it("a wrong secret over Basic is an AuthenticationError, as in the body", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, {
      clientSecret: `${emu.clientSecret}-wrong`,
      clientAuthentication: "client_secret_basic",
    });
    await expect(cybrid.getToken()).rejects.toMatchObject({
      name: "AuthenticationError",
      code: "invalid_client",
      status: 401,
    });
  });

  it("a server that echoes the encoded Basic credential does not get it into the error", async () => {
    const emu = await emulator({ clients: [{ clientId: ID, clientSecret: SECRET }] });
    const encoded = Buffer.from(
      "bank+id%2B1%2F%C3%A9:s3cr%3At+%2B%252F%2F%C3%A9-0123456789",
    ).toString("base64");
    emu.inject({
      status: 400,
      body: { error: "invalid_request", error_description: `bad credentials ${encoded}` },
    });
    const cybrid = clientFor(emu, {
      clientId: ID,
      clientSecret: SECRET,
      clientAuthentication: "client_secret_basic",
    });
    const error = await cybrid.getToken().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "BadRequestError", status: 400 });
    expect(JSON.stringify(error)).not.toContain(encoded);
    expect(String((error as Error).message)).toContain("[redacted]");
  });

  it("refuses an unknown method before anything is sent", () => {
    const attempt = () =>
      createCybridId({
        clientId: "id",
        clientSecret: "long-enough-secret",
        clientAuthentication: "client_secret_jwt" as never,
      });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(/clientAuthentication/);
  });

  it("the spec's validator accepts the Basic body shape (no client_id, no secret)", () => {
    expect(() =>
      validateCredentialsRequest({ grant_type: "client_credentials", scope: "a:b" }, ["a:b"]),
    ).not.toThrow();
  });
});
