/**
 * The spec's scope sets (organization, bank, customer) are Cybrid's documented ones, each
 * scope's description names the token types it applies to, and `npm run generate` refuses a
 * spec whose descriptions or customer enum disagree (scripts/scope-sets.ts).
 */
import { describe, expect, it } from "vitest";
import { scopeSets as generated } from "../../generated/scope-sets.js";
import { scopeSets } from "../../scripts/scope-sets.js";
import { readSpec } from "../../scripts/spec-pipeline.js";

type Json = Record<string, any>;
const schemasOf = (spec: Json) => spec.components.schemas as Record<string, Json>;

/** Issue 13's list: the scopes Cybrid's docs give organization credentials and not banks. */
const ORGANIZATION_ONLY = [
  ...["organizations:read", "organizations:write", "organization_applications:execute"],
  ...["banks:execute", "users:read", "users:write", "users:execute"],
  ...["subscriptions:read", "subscriptions:write", "subscriptions:execute"],
  ...["subscription_events:read", "subscription_events:execute"],
];
/** Scopes of Cybrid's full-access bank string that the spec used to lack. */
const BANK_ADDED = [
  ...["banks:read", "banks:write", "bank_applications:execute", "customers:execute"],
  ...["files:read", "files:pii:read", "files:execute"],
];

describe("the spec's scope sets", () => {
  const sets = scopeSets(schemasOf(readSpec()));

  it("are Cybrid's documented sets, and what generated/ holds", () => {
    expect(generated).toEqual(sets);
    const orgOnly = sets.organization.filter((scope) => !sets.bank.includes(scope));
    expect(orgOnly.sort()).toEqual([...ORGANIZATION_ONLY].sort());
    expect(sets.bank).toEqual(expect.arrayContaining(BANK_ADDED));
    for (const scope of BANK_ADDED) expect(sets.customer).not.toContain(scope);
    expect(sets.customer).toHaveLength(47); // 37 in the seed, 10 added by later releases
    expect(sets.bank).toHaveLength(49);
    expect(sets.organization).toHaveLength(46);
    expect(schemasOf(readSpec()).Scope?.enum).toHaveLength(66);
  });

  it("describe each scope with its token types", () => {
    const described = schemasOf(readSpec()).Scope?.["x-enumDescriptions"];
    expect(described["banks:read"]).toMatch(/Token types: organization, bank\.$/);
    expect(described["banks:execute"]).toMatch(/Token types: organization\.$/);
    expect(described["customers:execute"]).toMatch(/Token types: bank\.$/);
    expect(described["accounts:read"]).toMatch(/Token types: organization, bank, customer\.$/);
    expect(described["accounts:write"]).toMatch(/Token types: customer\.$/);
  });

  describe("refuse a spec whose descriptions and enums disagree", () => {
    const edit = (change: (schemas: Record<string, Json>) => void) => {
      const schemas = schemasOf(readSpec());
      change(schemas);
      return () => scopeSets(schemas);
    };
    it("a scope listed without a description", () => {
      const check = edit((s) => s.Scope!.enum.push("ledgers:read"));
      expect(check).toThrow(/description of ledgers:read must end with "Token types: "/);
    });
    it("a description without the token types, or naming an unknown one", () => {
      const check = edit((s) => {
        s.Scope!["x-enumDescriptions"]["banks:read"] = "List banks.";
        s.Scope!["x-enumDescriptions"]["banks:write"] = "Update banks. Token types: user.";
      });
      expect(check).toThrow(/banks:read must end[\s\S]*banks:write must end/);
    });
    it("a customer enum that lacks a customer scope or lists another", () => {
      const check = edit((s) => {
        s.CustomerScope!.enum = s
          .CustomerScope!.enum.filter((v: string) => v !== "accounts:read")
          .concat("customers:execute");
      });
      expect(check).toThrow(
        /lacks customer scopes accounts:read[\s\S]*non-customer scopes customers:execute/,
      );
    });
    it("a customer enum described in other words than Scope's", () => {
      const check = edit((s) => {
        s.CustomerScope!["x-enumDescriptions"]["trades:read"] =
          "Read trades. Token types: customer.";
      });
      expect(check).toThrow(/CustomerScope: describe trades:read with Scope's words/);
    });
    it("a scope described but not listed", () => {
      const check = edit((s) => {
        s.Scope!.enum = s.Scope!.enum.filter((v: string) => v !== "files:read");
      });
      expect(check).toThrow(/files:read is described but not listed/);
    });
  });
});
