/**
 * Scopes by credential type, over real HTTP: organization and bank credentials get the scope
 * sets the spec documents for them (Cybrid's full-access scope strings), an organization-only
 * scope asked with bank credentials is `invalid_scope` (seed 003), and a customer token is
 * refused a scope that does not apply to customers. The sets are read from the spec here, so
 * the tests follow it; the scopes named outright are the ones Cybrid's docs single out.
 */
import { describe, expect, it } from "vitest";
import { spec } from "../../generated/spec.js";
import {
  bankToken,
  claimsOf,
  emulator,
  GUID,
  requestCustomerToken,
  requestToken,
} from "../helpers/emulator-fixture.js";
import { example } from "../helpers/spec-responses.js";

const TOKEN = "/oauth/token";
const CUSTOMER = "/api/customer_tokens";

/**
 * The scopes the spec documents for a token type: the `Scope` values whose description ends
 * with "Token types: ..." naming it. Read here from the spec data, apart from the emulator's
 * generated copy.
 */
function specScopes(tokenType: "organization" | "bank" | "customer"): string[] {
  const scope = (spec.components.schemas ?? {}).Scope as Record<string, any>;
  const descriptions = scope["x-enumDescriptions"] as Record<string, string>;
  return (scope.enum as string[]).filter((value) =>
    /Token types: (.*)\.$/
      .exec(descriptions[value] ?? "")?.[1]
      ?.split(", ")
      .includes(tokenType),
  );
}

const ORG = { clientId: "org", clientSecret: "org-secret", kind: "organization" as const };
const BANK = { clientId: "bank", clientSecret: "bank-secret", kind: "bank" as const };
const credentials = (client: { clientId: string; clientSecret: string }) => ({
  client_id: client.clientId,
  client_secret: client.clientSecret,
});

describe("scopes by credential type", () => {
  it("bank credentials asking an organization-only scope get invalid_scope", async () => {
    const emu = await emulator({ clients: [BANK, ORG] });
    const bankScopes = specScopes("bank");
    const orgOnly = specScopes("organization").filter((scope) => !bankScopes.includes(scope));
    expect(orgOnly).toContain("banks:execute"); // the scope seed 003 names
    for (const scope of orgOnly) {
      const answer = await requestToken(emu, { ...credentials(BANK), scope });
      expect(answer.status, scope).toBe(400);
      expect(answer.body).toEqual(example(TOKEN, 400, "invalid_scope"));
      // The same scope is the organization's to have.
      const org = await requestToken(emu, { ...credentials(ORG), scope });
      expect(org.status, scope).toBe(200);
    }
  });

  it("bank credentials get the bank scopes Cybrid documents, organization ones included", async () => {
    const emu = await emulator({ clients: [BANK] });
    const asked = "banks:read banks:write bank_applications:execute customers:execute files:read";
    const answer = await requestToken(emu, { ...credentials(BANK), scope: asked });
    expect(answer.status).toBe(200);
    expect((answer.body as { scope: string }).scope).toBe(asked);
    const all = await requestToken(emu, credentials(BANK));
    expect((all.body as { scope: string }).scope.split(" ")).toEqual(specScopes("bank"));
  });

  it("organization credentials get the organization set, not bank-only scopes", async () => {
    const emu = await emulator({ clients: [ORG] });
    const all = await requestToken(emu, credentials(ORG));
    expect(all.status).toBe(200);
    const body = all.body as { scope: string; access_token: string };
    expect(body.scope.split(" ")).toEqual(specScopes("organization"));
    expect(claimsOf(body.access_token).sub_type).toBe("organization");
    for (const scope of ["customers:write", "customers:execute", "accounts:execute"]) {
      const answer = await requestToken(emu, { ...credentials(ORG), scope });
      expect(answer.status, scope).toBe(400);
      expect(answer.body).toEqual(example(TOKEN, 400, "invalid_scope"));
    }
  });

  it("a registered client gets any documented scope of its kind", async () => {
    const emu = await emulator({
      clients: [
        { ...BANK, scopes: ["customers:execute", "files:pii:read"] },
        { ...ORG, scopes: ["users:write", "subscription_events:execute"] },
      ],
    });
    const bank = await requestToken(emu, { ...credentials(BANK), scope: "customers:execute" });
    expect(bank.status).toBe(200);
    expect((bank.body as { scope: string }).scope).toBe("customers:execute");
    const org = await requestToken(emu, credentials(ORG));
    expect((org.body as { scope: string }).scope).toBe("users:write subscription_events:execute");
  });

  it("start-up refuses a client scope its kind cannot have, instead of refusing it later", async () => {
    await expect(emulator({ clients: [{ ...BANK, scopes: ["banks:execute"] }] })).rejects.toThrow(
      /"bank".*banks:execute.*bank credentials/,
    );
    await expect(emulator({ clients: [{ ...ORG, scopes: ["customers:write"] }] })).rejects.toThrow(
      /customers:write.*organization credentials/,
    );
    await expect(emulator({ clients: [{ ...BANK, scopes: ["nothing:read"] }] })).rejects.toThrow(
      /nothing:read/,
    );
  });

  it("a customer token is refused a scope that does not apply to customers", async () => {
    // Cybrid documents no answer for it; the emulator gives the spec's validation error (400).
    const emu = await emulator();
    const token = await bankToken(emu);
    const customerScopes = specScopes("customer");
    const notForCustomers = [...specScopes("bank"), ...specScopes("organization")].filter(
      (scope) => !customerScopes.includes(scope),
    );
    expect(notForCustomers).toEqual(expect.arrayContaining(["customers:execute", "banks:read"]));
    for (const scope of new Set(notForCustomers)) {
      const body = { customer_guid: GUID, scopes: ["trades:read", scope] };
      const answer = await requestCustomerToken(emu, { token }, body);
      expect(answer.status, scope).toBe(400);
      expect(answer.body).toMatchObject({ status: 400, message_code: "bad_request" });
      expect((answer.body as { error_message: string }).error_message).toMatch(
        /^scopes\.1: must be equal to one of the allowed values/,
      );
    }
    const every = { customer_guid: GUID, scopes: customerScopes };
    expect((await requestCustomerToken(emu, { token }, every)).status).toBe(201);
  });

  it("an organization token cannot mint customer tokens", async () => {
    const emu = await emulator({ clients: [ORG] });
    const answer = await requestToken(emu, credentials(ORG));
    const token = (answer.body as { access_token: string }).access_token;
    const refused = await requestCustomerToken(emu, { token });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(example(CUSTOMER, 401, "invalid_subject"));
  });
});
