/**
 * The scopes the server side of the spec accepts, read from the generated `serverScope`
 * validator rather than written down here: add a scope to spec/openapi.yaml, run
 * `npm run generate`, and the emulator grants it with no edit in src/emulator.
 */
import { serverScope } from "../../generated/validators.js";

/** Whether the spec's `Scope` schema (enum included) accepts this scope. */
export function isKnownScope(scope: string): boolean {
  return serverScope(scope);
}

let known: string[] | undefined;

/**
 * Every scope of the `Scope` enum. A standalone validator does not expose its schema, but Ajv's
 * `enum` error carries the allowed values: validating a non-string (`null` fails `type` and
 * `enum` alike, and the validators report all errors) hands us the list.
 */
export function knownScopes(): string[] {
  if (known === undefined) {
    serverScope(null);
    const issue = (serverScope.errors ?? []).find((error) => error.keyword === "enum");
    const values = issue?.params.allowedValues;
    known = Array.isArray(values) ? values.filter((v): v is string => typeof v === "string") : [];
  }
  return [...known];
}

/** Splits an OAuth scope string (`"a:read b:write"`) into its scopes. */
export function splitScopes(scope: unknown): string[] {
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === "string");
  return typeof scope === "string" ? scope.split(" ").filter((s) => s.length > 0) : [];
}
