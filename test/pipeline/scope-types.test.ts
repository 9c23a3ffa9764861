/**
 * The `Scope` type: every scope the spec documents autocompletes (it is a literal of the
 * generated union), and a well-formed scope the spec does not know yet is still accepted, because
 * the server learns scopes between SDK releases. Checked by `tsc --noEmit` (tests are in the
 * project).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { components } from "../../generated/openapi.js";
import { spec } from "../../generated/spec.js";
import type { Scope } from "../../src/index.js";

type Schemas = components["schemas"];
type Documented = Schemas["Scope"];

describe("the Scope type", () => {
  it("has every documented scope as a literal, whatever its token types", () => {
    // Organization-only, bank-only and customer-only scopes alike autocomplete.
    expectTypeOf<"banks:execute">().toExtend<Documented>();
    expectTypeOf<"customers:execute">().toExtend<Documented>();
    expectTypeOf<"files:pii:read">().toExtend<Documented>();
    expectTypeOf<"sardine_sessions:execute">().toExtend<Documented>();
    expectTypeOf<"nothing:read">().not.toExtend<Documented>();
    expectTypeOf<Documented>().toExtend<Scope>();
  });

  it("accepts a well-formed scope the spec does not know", () => {
    const future: Scope = "ledgers:read";
    const known: Scope = "banks:execute";
    expectTypeOf(known).toExtend<Scope>();
    expect([future, known]).toHaveLength(2);
  });

  it("names every scope of the spec", () => {
    const all = (spec.components.schemas ?? {}).Scope?.enum as Documented[];
    expect(all).toHaveLength(66);
    expect(all).toContain("organization_applications:execute");
  });
});
