/**
 * Input checks, compiled from the spec (generated/validators.js): no rule of the spec is
 * written again here. The `client*` validators accept a well-formed scope the spec does not
 * list yet (`x-extensible-enum`), so a new server scope never needs an SDK release.
 */
import {
  clientClientCredentialsRequest,
  clientPostCustomerToken,
  type SpecValidationIssue,
  type SpecValidator,
} from "../../generated/client-validators.js";
import { ValidationError } from "../errors/cybrid-id-error.js";

/** `customer_guid: must NOT have fewer than 32 characters`; never the value itself. */
function describe(issue: SpecValidationIssue): string {
  const path = issue.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(root)";
  const params = issue.params as { missingProperty?: string; additionalProperty?: string };
  if (issue.keyword === "required") return `${params.missingProperty} is required`;
  if (issue.keyword === "additionalProperties")
    return `${params.additionalProperty} is not allowed`;
  if (issue.keyword === "pattern") return `${path} is not a well-formed scope`;
  return `${path} ${issue.message ?? "is invalid"}`;
}

function check<T>(validator: SpecValidator<T>, data: unknown, what: string): asserts data is T {
  if (!validator(data)) {
    const issues = (validator.errors ?? []).map(describe);
    throw new ValidationError(`Invalid ${what}`, issues.length > 0 ? issues : ["(unknown)"]);
  }
}

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
    client_id: string;
    client_secret: string;
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
