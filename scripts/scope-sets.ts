/**
 * The scope set of each token type, read from the spec at generation. The spec's `Scope` enum
 * lists every scope Cybrid documents, and each value's `x-enumDescriptions` entry ends with the
 * token types it applies to (`Token types: organization, bank, customer.`): that sentence is the
 * one place that says which credentials may ask for a scope. It is read here, checked, and
 * written to generated/scope-sets.js for the emulator. A schema marked
 * `x-cybrid-id-token-type: customer` (the customer-token enum: the request body's validation
 * needs an `enum`, and Redoc shows a schema's own `x-enumDescriptions`) must list exactly the
 * customer scopes the sentences imply, described in the same words. A scope without the
 * sentence, or a marked schema that disagrees, fails `npm run generate`.
 *
 * Sets are written in the order of the `Scope` enum.
 */

type Json = Record<string, unknown>;

/** The token types, in the order their descriptions name them. */
export const TOKEN_TYPES = ["organization", "bank", "customer"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type ScopeSets = Record<TokenType, string[]>;

const SENTENCE = /Token types: ([a-z]+(?:, [a-z]+)*)\.$/;

/** The scope set of each token type; throws, naming every problem, when the spec disagrees. */
export function scopeSets(schemas: Record<string, Json>): ScopeSets {
  const scope = schemas.Scope;
  const scopes = scope?.enum;
  const text = scope?.["x-enumDescriptions"];
  if (!Array.isArray(scopes) || text === null || typeof text !== "object")
    throw new Error("spec: components.schemas.Scope needs an enum and x-enumDescriptions");
  const descriptions = text as Json;
  const sets: ScopeSets = { organization: [], bank: [], customer: [] };
  const problems: string[] = [];
  for (const key of Object.keys(descriptions)) {
    if (!scopes.includes(key)) problems.push(`Scope: ${key} is described but not listed`);
  }
  for (const value of scopes as string[]) {
    const description = descriptions[value];
    const named = typeof description === "string" ? SENTENCE.exec(description)?.[1] : undefined;
    const types = named?.split(", ") ?? [];
    const ordered = TOKEN_TYPES.filter((type) => types.includes(type));
    if (ordered.length === 0 || ordered.join(", ") !== named) {
      problems.push(
        `Scope: the description of ${value} must end with "Token types: " and some of ` +
          `${TOKEN_TYPES.join(", ")} (in that order), then "."`,
      );
      continue;
    }
    for (const type of ordered) sets[type].push(value);
  }
  for (const [name, schema] of Object.entries(schemas)) {
    const type = schema["x-cybrid-id-token-type"];
    if (type === undefined) continue;
    if (!TOKEN_TYPES.includes(type as TokenType)) {
      problems.push(`${name}: x-cybrid-id-token-type must be one of ${TOKEN_TYPES.join(", ")}`);
      continue;
    }
    const expected = sets[type as TokenType];
    const listed = Array.isArray(schema.enum) ? (schema.enum as string[]) : [];
    const missing = expected.filter((value) => !listed.includes(value));
    const extra = listed.filter((value) => !expected.includes(value));
    if (missing.length > 0) problems.push(`${name}: lacks ${type} scopes ${missing.join(" ")}`);
    if (extra.length > 0) problems.push(`${name}: lists non-${type} scopes ${extra.join(" ")}`);
    // Its own descriptions are what Redoc shows for it: the same words as Scope's, value by value.
    const own = (schema["x-enumDescriptions"] ?? {}) as Json;
    const differ = listed.filter((value) => own[value] !== descriptions[value]);
    const stray = Object.keys(own).filter((value) => !listed.includes(value));
    if (differ.length > 0)
      problems.push(
        `${name}: describe ${differ.join(" ")} with Scope's words (x-enumDescriptions)`,
      );
    if (stray.length > 0) problems.push(`${name}: describes unlisted ${stray.join(" ")}`);
  }
  if (problems.length > 0) throw new Error(`spec scope sets:\n  ${problems.join("\n  ")}`);
  return sets;
}

/** generated/scope-sets.js and its declarations. */
export function scopeSetsModule(schemas: Record<string, Json>, header: string): [string, string] {
  const doc =
    "/** The scopes each token type may carry, from the token types in the descriptions of spec/openapi.yaml's Scope. */";
  const js = `${header}${doc}\nexport const scopeSets = ${JSON.stringify(scopeSets(schemas), null, 2)};\n`;
  const dts = `${header}${doc}\nexport declare const scopeSets: Readonly<Record<"organization" | "bank" | "customer", readonly string[]>>;\n`;
  return [js, dts];
}
