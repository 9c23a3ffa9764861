import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValidationError } from "../../src/errors/cybrid-id-error.js";
import {
  validateCredentialsRequest,
  validateCustomerTokenRequest,
} from "../../src/validation/validate.js";

const wellFormedScope = fc
  .tuple(fc.stringMatching(/^[a-z][a-z_]{0,11}$/), fc.stringMatching(/^[a-z][a-z_]{0,7}$/))
  .map(([resource, action]) => `${resource}:${action}`);

function rejects(run: () => void): ValidationError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
}

describe("validateCustomerTokenRequest", () => {
  it("accepts exactly 32-character guids", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 64 }), (guid) => {
        const error = rejects(() =>
          validateCustomerTokenRequest({ customer_guid: guid, scopes: ["customers:read"] }),
        );
        return guid.length === 32 ? error === undefined : error !== undefined;
      }),
    );
  });

  it("accepts any non-empty set of well-formed scopes, known or not (forward compatible)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(wellFormedScope, { minLength: 1, maxLength: 6 }), (scopes) => {
        validateCustomerTokenRequest({ customer_guid: "a".repeat(32), scopes });
      }),
    );
  });

  it("rejects empty, duplicate and malformed scopes with a message naming the problem", () => {
    const guid = "a".repeat(32);
    expect(
      rejects(() => validateCustomerTokenRequest({ customer_guid: guid, scopes: [] }))?.message,
    ).toMatch(/scopes/);
    expect(
      rejects(() =>
        validateCustomerTokenRequest({
          customer_guid: guid,
          scopes: ["trades:read", "trades:read"],
        }),
      )?.message,
    ).toMatch(/duplicate/);
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^[a-z][a-z_]*(:[a-z][a-z_]*){1,2}$/.test(s)),
        (bad) =>
          rejects(() => validateCustomerTokenRequest({ customer_guid: guid, scopes: [bad] })) !==
          undefined,
      ),
    );
  });
});

describe("validateCustomerTokenRequest issues", () => {
  it("name each field as the SDK spells it, and the bad scope itself; never the guid", () => {
    const error = rejects(() =>
      validateCustomerTokenRequest({
        customer_guid: "guid-value",
        scopes: ["ok:read", "Bad Scope", 7],
      }),
    );
    expect(error?.issues).toEqual([
      "customerGuid must have exactly 32 characters",
      'scope "Bad Scope" is not a well-formed scope',
      "scopes[2] must be a string",
    ]);
    expect(error?.message).toMatch(/^Invalid customer token request: customerGuid must/);
    expect(error?.message).not.toContain("guid-value");
    expect(
      rejects(() =>
        validateCustomerTokenRequest({ customer_guid: "a".repeat(32), scopes: ["a:b", "a:b"] }),
      )?.issues,
    ).toEqual(["scopes must not contain duplicates"]);
    expect(
      rejects(() => validateCustomerTokenRequest({ scopes: ["a:b"], extra: 1 } as never))?.issues,
    ).toEqual(["extra is not allowed", "customerGuid is required"]);
  });
});

describe("validateCredentialsRequest", () => {
  const body = {
    grant_type: "client_credentials" as const,
    client_id: "id",
    client_secret: "top-secret-value",
  };

  it("requires a client id and secret and never echoes the secret", () => {
    const error = rejects(() =>
      validateCredentialsRequest({ ...body, client_secret: "" }, undefined),
    );
    expect(error?.issues.join()).toContain("clientSecret");
    validateCredentialsRequest(body, undefined);
  });

  it("names each field as the SDK spells it and the bad scope, never the secret", () => {
    const secret = "s3cr3t-".repeat(80);
    const scopes = ["accounts:read", "Not A Scope", "customers:reed"];
    const error = rejects(() =>
      validateCredentialsRequest(
        { ...body, client_id: "", client_secret: secret, scope: scopes.join(" ") },
        scopes,
      ),
    );
    expect(error?.code).toBe("validation_error");
    expect(error?.issues).toEqual([
      "clientId must not be empty",
      "clientSecret must have at most 512 characters",
      'scope "Not A Scope" is not a well-formed scope',
    ]);
    expect(error?.message).toBe(`Invalid token request: ${error?.issues.join("; ")}`);
    expect(JSON.stringify(error)).not.toContain("s3cr3t");
    fc.assert(
      fc.property(fc.string({ minLength: 513, maxLength: 600 }), (long) => {
        const issues = rejects(() =>
          validateCredentialsRequest({ ...body, client_secret: `s3cr3t${long}` }, undefined),
        )?.issues;
        return issues !== undefined && !issues.join().includes("s3cr3t");
      }),
      { numRuns: 50 },
    );
  });

  it("names every bad scope at once, with the other problems", () => {
    const scopes = ["a:b", "Bad", "a:b"];
    expect(
      rejects(() =>
        validateCredentialsRequest({ ...body, client_id: "", scope: scopes.join(" ") }, scopes),
      )?.issues,
    ).toEqual([
      "clientId must not be empty",
      'scope "Bad" is not a well-formed scope',
      'scope "a:b" is listed twice',
    ]);
    expect(rejects(() => validateCredentialsRequest({ ...body, scope: "" }, []))?.issues).toEqual([
      "scopes must not be empty",
    ]);
  });

  it("takes each entry of the list as one scope: several in one entry are refused, named", () => {
    // Two scopes: up to 43 characters, under the 60 after which an issue cuts the quoted scope.
    const several = fc.tuple(wellFormedScope, wellFormedScope).map((list) => list.join(" "));
    fc.assert(
      fc.property(fc.array(wellFormedScope, { maxLength: 3 }), several, (others, joined) => {
        const scopes = [...new Set(others)].filter((scope) => scope !== joined).concat(joined);
        const error = rejects(() =>
          validateCredentialsRequest({ ...body, scope: scopes.join(" ") }, scopes),
        );
        expect(error?.issues).toContain(`scope "${joined}" is not a well-formed scope`);
      }),
    );
    // Two scopes in one entry cannot hide a scope listed twice from the duplicate check.
    const scopes = ["a:b a:b c:d", "e:f"];
    expect(
      rejects(() => validateCredentialsRequest({ ...body, scope: scopes.join(" ") }, scopes))
        ?.issues,
    ).toEqual(['scope "a:b a:b c:d" is not a well-formed scope']);
  });

  it("rejects empty, duplicate and malformed scopes", () => {
    expect(rejects(() => validateCredentialsRequest({ ...body, scope: "" }, []))).toBeDefined();
    expect(
      rejects(() => validateCredentialsRequest({ ...body, scope: "a:b a:b" }, ["a:b", "a:b"])),
    ).toBeDefined();
    expect(
      rejects(() => validateCredentialsRequest({ ...body, scope: "A B" }, ["A", "B"])),
    ).toBeDefined();
    validateCredentialsRequest({ ...body, scope: "future_things:read customers:read" }, [
      "future_things:read",
      "customers:read",
    ]);
  });
});
