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
  clientScope,
} from "../../generated/client-validators.js";
import { ValidationError } from "../errors/cybrid-id-error.js";

/** An issue about `scope`, quoted (control characters escaped) and cut. */
const aboutScope = (scope: string, rule: string) =>
  `scope ${JSON.stringify(scope.length > 60 ? `${scope.slice(0, 60)}…` : scope)} ${rule}`;

/**
 * The issues worded for the caller: the spec's snake_case field as the SDK spells it
 * (`customer_guid must ...` as `customerGuid must ...`), and `scopes[1] is ...` as
 * `scope "x" is ...`.
 */
const worded = (issues: string[], scopes: unknown) =>
  issues.map((issue) => {
    const index = /^scopes\[(\d+)\]/.exec(issue)?.[1];
    const scope = index !== undefined && Array.isArray(scopes) ? scopes[Number(index)] : undefined;
    if (typeof scope === "string") return aboutScope(scope, issue.slice(issue.indexOf(" ") + 1));
    return issue.replace(/^\w+/, (path) =>
      path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
    );
  });

/** Throws the ValidationError of `issues`, worded (see above), if there are any. */
function report(issues: string[], scopes: unknown, what: string): void {
  if (issues.length > 0) throw new ValidationError(`Invalid ${what}`, worded(issues, scopes));
}

/**
 * What the spec finds wrong with a client's credentials (their lengths), worded as the options
 * are named: `createCybridId` refuses them at once, rather than at the first token request.
 */
export function credentialIssues(clientId: string, clientSecret: string): string[] {
  const body = {
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
  };
  return worded(clientClientCredentialsRequest(body), undefined);
}

/**
 * The client-credentials body as it will be sent, `scope` joined from `scopes`. Joined, the
 * list is out of the spec's sight: its pattern (ScopeString) could not say which scope is
 * malformed, nor see one listed twice, would call an empty list a malformed string, and would
 * take an entry "a b" for two scopes. So the body is checked without it, and each entry alone
 * as one scope (the spec's Scope, as a customer token's).
 */
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
  const { scope: _joined, ...credentials } = body;
  const issues = clientClientCredentialsRequest(credentials);
  if (scopes !== undefined) issues.push(...scopeListIssues(scopes));
  report(issues, undefined, "token request");
}

/**
 * What the spec finds wrong with a bank token's list of scopes, each entry checked alone as one
 * scope (see above): also the check of the `scopes` option.
 */
export function scopeListIssues(scopes: readonly string[]): string[] {
  const issues = scopes.length === 0 ? ["scopes must not be empty"] : [];
  scopes.forEach((scope, i) => {
    if (clientScope(scope).length > 0) issues.push(aboutScope(scope, "is not a well-formed scope"));
    if (scopes.indexOf(scope) !== i) issues.push(aboutScope(scope, "is listed twice"));
  });
  return issues;
}

export function validateCustomerTokenRequest(body: {
  customer_guid: unknown;
  scopes: unknown;
}): void {
  report(clientPostCustomerToken(body), body.scopes, "customer token request");
}
