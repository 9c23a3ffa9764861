/**
 * Input checks, compiled from the spec (generated/client-validators.js, by
 * scripts/compact-validator.ts): no rule of the spec is written again here. The `client*`
 * validators accept a well-formed scope the spec does not list yet (`x-extensible-enum`), so a
 * new server scope never needs an SDK release. Their issues name the path and the rule, never
 * the value (it may be the client secret); here they are worded for the SDK's callers: fields
 * by the names they pass (`customerGuid`, not `customer_guid`), and a bad scope quoted, since a
 * scope is no secret and "scopes[3]" makes the reader count.
 */
import {
  clientClientCredentialsRequest,
  clientPostCustomerToken,
} from "../../generated/client-validators.js";
import { ValidationError } from "../errors/cybrid-id-error.js";

/** The spec's field names as the SDK's options and arguments spell them. */
const SDK_NAMES: Partial<Record<string, string>> = {
  customer_guid: "customerGuid",
  client_id: "clientId",
  client_secret: "clientSecret",
  scope: "scopes",
};

/** A scope as an issue shows it: quoted (control characters escaped) and cut. */
function quoted(scope: string): string {
  return JSON.stringify(scope.length > 60 ? `${scope.slice(0, 60)}…` : scope);
}

/** `customer_guid must ...` as `customerGuid must ...`; `scopes[1] is ...` as `scope "x" is ...`. */
function sdkIssue(issue: string, scopes: unknown): string {
  const space = issue.indexOf(" ");
  const path = issue.slice(0, space);
  const rule = issue.slice(space + 1);
  const index = /^scopes\[(\d+)\]$/.exec(path)?.[1];
  const scope = index !== undefined && Array.isArray(scopes) ? scopes[Number(index)] : undefined;
  if (typeof scope === "string") return `scope ${quoted(scope)} ${rule}`;
  return `${SDK_NAMES[path] ?? path} ${rule}`;
}

function check(issues: string[], scopes: unknown, what: string): void {
  if (issues.length > 0)
    throw new ValidationError(
      `Invalid ${what}`,
      issues.map((issue) => sdkIssue(issue, scopes)),
    );
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
      throw new ValidationError(`Invalid ${what}`, [`scope ${quoted(scope)} is listed twice`]);
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
  const issues = clientClientCredentialsRequest(body);
  if (scopes !== undefined && issues.some((issue) => issue.startsWith("scope "))) {
    // The spec checks the joined string; name the scopes that made it malformed, each checked
    // alone by the same validator.
    const malformed = scopes.filter(
      (scope) => clientClientCredentialsRequest({ grant_type: body.grant_type, scope }).length > 0,
    );
    const others = issues.filter((issue) => !issue.startsWith("scope "));
    const named = malformed.map((scope) => `scope ${quoted(scope)} is not a well-formed scope`);
    throw new ValidationError("Invalid token request", [
      ...others.map((i) => sdkIssue(i, scopes)),
      ...named,
    ]);
  }
  check(issues, scopes, "token request");
}

export function validateCustomerTokenRequest(body: {
  customer_guid: unknown;
  scopes: unknown;
}): void {
  check(clientPostCustomerToken(body), body.scopes, "customer token request");
}
