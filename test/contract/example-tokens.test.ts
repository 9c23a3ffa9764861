/**
 * The spec's example tokens carry the claims Cybrid issues, coherent with the rest of their
 * example (`exp - iat` is `expires_in`, `iat` is `created_at`, the scope is the one granted),
 * and the same claims the emulator mints: a reader of the reference sees a token as it comes.
 */
import { describe, expect, it } from "vitest";
import { spec } from "../../generated/spec.js";
import {
  bankToken,
  claimsOf,
  emulator,
  requestCustomerToken,
} from "../helpers/emulator-fixture.js";
import { exampleNames, example } from "../helpers/spec-responses.js";

/** Every named example of a successful answer whose `access_token` is a JWT. */
function exampleTokens(): { where: string; value: Record<string, unknown> }[] {
  const found: { where: string; value: Record<string, unknown> }[] = [];
  for (const path of Object.keys(spec.paths)) {
    for (const status of [200, 201]) {
      for (const name of exampleNames(path, status)) {
        const value = example(path, status, name) as Record<string, unknown>;
        if (typeof value.access_token === "string" && value.access_token.split(".").length === 3)
          found.push({ where: `${path} ${status} ${name}`, value });
      }
    }
  }
  return found;
}

const CLAIMS = ["aud", "exp", "iat", "iss", "jti", "scope", "sub", "sub_type"];

describe("example tokens in the spec", () => {
  const tokens = exampleTokens();

  it("there is one for each endpoint", () => {
    expect(tokens.map((token) => token.where.split(" ")[0])).toEqual(
      expect.arrayContaining(["/oauth/token", "/api/customer_tokens"]),
    );
  });

  for (const { where, value } of tokens) {
    it(`${where} carries the claims Cybrid issues`, () => {
      const claims = claimsOf(value.access_token as string);
      expect(Object.keys(claims).sort()).toEqual(CLAIMS);
      expect(claims.aud).toEqual(expect.arrayContaining([expect.stringMatching(/^https:\/\//)]));
      expect(claims.exp).toBeGreaterThan(claims.iat as number);
      if (where.startsWith("/oauth/token")) {
        expect(["bank", "organization"]).toContain(claims.sub_type);
        expect(claims.iat).toBe(value.created_at);
        expect((claims.exp as number) - (claims.iat as number)).toBe(value.expires_in);
        expect(claims.scope).toBe(value.scope);
      } else {
        expect(claims.sub_type).toBe("customer");
        expect(claims.sub).toMatch(/^[0-9a-f]{32}$/);
      }
    });
  }

  it("the emulator mints tokens with the same claims", async () => {
    const emu = await emulator();
    const bank = await bankToken(emu);
    const answer = await requestCustomerToken(emu, { token: bank });
    const customer = (answer.body as { access_token: string }).access_token;
    expect(Object.keys(claimsOf(bank)).sort()).toEqual(CLAIMS);
    expect(Object.keys(claimsOf(customer)).sort()).toEqual(CLAIMS);
  });
});
