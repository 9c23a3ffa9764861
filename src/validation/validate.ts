/**
 * Input checks, compiled from the spec (generated/client-validators.js, by
 * scripts/compact-validator.ts): no rule of the spec is written again here. The `client*`
 * validators accept a well-formed scope the spec does not list yet (`x-extensible-enum`), so a
 * new server scope never needs an SDK release. Their issues name the path and the rule, never
 * the value (it may be the client secret).
 */
import {
  clientClientCredentialsRequest,
  clientPostCustomerToken,
} from "../../generated/client-validators.js";
import { ValidationError } from "../errors/cybrid-id-error.js";

function check(validator: (data: unknown) => string[], data: unknown, what: string): void {
  const issues = validator(data);
  if (issues.length > 0) throw new ValidationError(`Invalid ${what}`, issues);
}

/**
 * The bank token's scopes reach the spec joined into one `scope` string: its pattern cannot see
 * a scope listed twice, and would call an empty list a malformed string. Both checked here.
 */
function checkScopeList(scopes: readonly string[], what: string): void {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new ValidationError(`Invalid ${what}`, ["scopes must not be empty"]);
  }
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (seen.has(scope))
      throw new ValidationError(`Invalid ${what}`, [`scope ${scope} is listed twice`]);
    seen.add(scope);
  }
}

/** The client-credentials body as it will be sent; `scope` already joined. */
export function validateCredentialsRequest(
  body: {
    grant_type: "client_credentials";
    // Optional: with HTTP Basic client authentication the body carries neither.
    client_id?: string;
    client_secret?: string;
    scope?: string;
  },
  scopes: readonly string[] | undefined,
): void {
  if (scopes !== undefined) checkScopeList(scopes, "token request");
  check(clientClientCredentialsRequest, body, "token request");
}

export function validateCustomerTokenRequest(body: {
  customer_guid: unknown;
  scopes: unknown;
}): void {
  check(clientPostCustomerToken, body, "customer token request");
}
