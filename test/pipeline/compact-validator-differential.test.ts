/**
 * The shipped compact validators (generated/client-validators.js) against Ajv compiled from the
 * same relaxed client schemas the pipeline builds: on random request bodies and scopes, most near
 * valid (lengths at the bounds, astral characters and lone surrogates, good and bad scopes,
 * duplicates, extra, missing and mistyped keys), both must give the same verdict.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clientClientCredentialsRequest,
  clientPostCustomerToken,
  clientScope,
} from "../../generated/client-validators.js";
import { readSpec, validatorSchemas } from "../../scripts/spec-pipeline.js";
import { ajvReference } from "./ajv-reference.js";

const RUNS = 4000;
const ajv = ajvReference(validatorSchemas(readSpec(), "client"));

/** Strings of n UTF-16 pieces: ASCII, an astral character, lone (or pairing) surrogates. */
const piece = fc.constantFrom("a", "Z", "0", "-", " ", ":", "é", "😀", "\uD800", "\uDC00");
const sized = (...lengths: number[]) =>
  fc
    .constantFrom(...lengths)
    .chain((n) => fc.array(piece, { minLength: n, maxLength: n }).map((parts) => parts.join("")));

const wrongType = fc.oneof(
  fc.constantFrom(undefined, null, true, 0, 1.5, Number.NaN),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

const word = fc.stringMatching(/^[a-z][a-z_]{0,5}$/);
const goodScope = fc
  .tuple(word, word, fc.option(word))
  .map(([resource, middle, action]) => [resource, middle, action].filter(Boolean).join(":"));
const badScope = fc.oneof(
  fc.constantFrom("", "customers", "Customers:read", "customers:read ", " customers:read"),
  fc.constantFrom("customers::read", "1a:b", "a:b\n", "a:b:c:d", "ä:b", "a:b:", "_a:b", "a:b c"),
  goodScope.map((scope) => `${scope}:extra:more`),
  goodScope.map((scope) => scope.toUpperCase()),
  fc.string({ maxLength: 12 }),
);
const scope = fc.oneof({ weight: 4, arbitrary: goodScope }, badScope);
/** A few known scopes, so that lists repeat one now and then. */
const pooled = fc.constantFrom("customers:read", "accounts:read", "customers:pii:read", "A:b");

/** Usually every key of the schema, sometimes any of them left out. */
const recordOf = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record(fields) },
    fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>,
  );

/**
 * Now and then, extra keys (random ones, or the schema's own with any value) mixed in, as own
 * or as inherited properties (Ajv reads both: `data.key`, `for...in`).
 */
const withExtraKeys = (body: fc.Arbitrary<Record<string, unknown>>, own: string[]) => {
  const key = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(...own, "__proto__", "toString"),
  );
  const extra = fc.dictionary(key, fc.anything(), { minKeys: 1, maxKeys: 2 });
  return fc
    .tuple(body, fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, extra), fc.boolean())
    .map(([fields, more, inherited]) => {
      if (more === null) return fields;
      return inherited ? Object.setPrototypeOf({ ...fields }, more) : { ...more, ...fields };
    });
};

/** Mostly near-valid bodies, sometimes anything at all. */
const bodies = (body: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 9, arbitrary: body }, fc.anything({ withSparseArray: true }));

const credentials = bodies(
  withExtraKeys(
    recordOf({
      grant_type: fc.oneof(
        { weight: 6, arbitrary: fc.constant("client_credentials") },
        fc.constantFrom("client_credential", "", "CLIENT_CREDENTIALS", "client_credentials "),
        wrongType,
      ),
      client_id: fc.oneof({ weight: 4, arbitrary: sized(0, 1, 2, 255, 256, 257) }, wrongType),
      client_secret: fc.oneof({ weight: 4, arbitrary: sized(0, 1, 2, 511, 512, 513) }, wrongType),
      scope: fc.oneof(
        { weight: 4, arbitrary: fc.array(scope, { maxLength: 4 }).map((list) => list.join(" ")) },
        fc.array(scope, { minLength: 2, maxLength: 3 }).map((list) => list.join("  ")),
        wrongType,
      ),
    }),
    ["grant_type", "client_id", "client_secret", "scope"],
  ),
);

const customerToken = bodies(
  withExtraKeys(
    recordOf({
      customer_guid: fc.oneof(
        { weight: 3, arbitrary: fc.stringMatching(/^[0-9a-f]{32}$/) },
        { weight: 3, arbitrary: sized(0, 31, 32, 33) },
        wrongType,
      ),
      scopes: fc.oneof(
        { weight: 4, arbitrary: fc.uniqueArray(scope, { maxLength: 4 }) },
        { weight: 2, arbitrary: fc.array(pooled, { maxLength: 4 }) },
        fc.array(fc.oneof(scope, wrongType), { maxLength: 3 }),
        fc.sparseArray(scope, { maxLength: 3 }),
        wrongType,
      ),
    }),
    ["customer_guid", "scopes"],
  ),
);

describe("compact validators agree with Ajv on the relaxed client schemas", () => {
  it.each([
    ["ClientCredentialsRequest", clientClientCredentialsRequest, credentials],
    ["PostCustomerToken", clientPostCustomerToken, customerToken],
    // One entry of a bank token's scope list (with the joined lists of the grant's `scope`).
    [
      "Scope",
      clientScope,
      bodies(
        fc.oneof(
          scope,
          scope.map((one) => `${one} ${one}`),
        ),
      ),
    ],
  ] as const)("%s", (name, compact, arbitrary) => {
    const reference = ajv(name);
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(arbitrary, (data) => {
        const issues = compact(data);
        expect(issues.length === 0, JSON.stringify(issues)).toBe(reference(data));
        for (const issue of issues) expect(issue).toMatch(/(^| )(is|must|does) [a-z]/);
        seen[issues.length === 0 ? "valid" : "invalid"]++;
      }),
      { numRuns: RUNS },
    );
    // Near valid means both verdicts are common: a generator that only makes garbage tests little.
    expect(seen.valid).toBeGreaterThan(RUNS / 20);
    expect(seen.invalid).toBeGreaterThan(RUNS / 4);
  });
});
