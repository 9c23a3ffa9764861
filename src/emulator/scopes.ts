/**
 * The scopes each credential type may ask for, read from the spec (generated/scope-sets.js, the
 * token types that spec/openapi.yaml's `Scope` descriptions name) rather than written down here:
 * document a scope in the spec, run `npm run generate`, and the emulator grants it to the right
 * credentials with no edit in src/emulator.
 */
import { scopeSets } from "../../generated/scope-sets.js";
import type { EmulatorClient } from "./types.js";

type CredentialType = NonNullable<EmulatorClient["kind"]>;

/** The credential type of a client: bank unless it says organization. */
export function credentialTypeOf(client: EmulatorClient): CredentialType {
  return client.kind ?? "bank";
}

/** Every scope the spec documents for this credential type, in the spec's order. */
export function scopesFor(type: CredentialType): string[] {
  return [...scopeSets[type]];
}

/**
 * The scopes a client may be granted: those it was registered with, else every scope of its
 * type. Throws when it was registered with a scope its type cannot have, which the token
 * endpoint would refuse (`invalid_scope`) on every request: better said at start-up.
 */
export function allowedScopes(client: EmulatorClient): string[] {
  const type = credentialTypeOf(client);
  const documented = scopeSets[type];
  if (client.scopes === undefined) return [...documented];
  for (const scope of client.scopes) {
    if (!documented.includes(scope)) {
      throw new Error(
        `emulator: client "${client.clientId}" is registered with scope "${scope}", which the ` +
          `spec does not document for ${type} credentials`,
      );
    }
  }
  return [...client.scopes];
}

/** Splits an OAuth scope string (`"a:read b:write"`) into its scopes. */
export function splitScopes(scope: unknown): string[] {
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === "string");
  return typeof scope === "string" ? scope.split(" ").filter((s) => s.length > 0) : [];
}
