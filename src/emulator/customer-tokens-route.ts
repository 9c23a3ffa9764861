/**
 * POST /api/customer_tokens: a bank token mints a customer JWT. Checks run in the order a
 * Rails API runs them: rate limit (middleware), authentication, scopes, body, then the lookup.
 */
import { randomUUID } from "node:crypto";
import { spec } from "../../generated/spec.js";
import { serverPostCustomerToken } from "../../generated/validators.js";
import { json, type Reply } from "./http-io.js";
import { signJwt } from "./jwt.js";
import { splitScopes } from "./scopes.js";
import { CUSTOMER_TOKENS_PATH, errorResponse } from "./spec-examples.js";
import { audienceOf, rateLimited, type RouteContext } from "./state.js";
import { describeIssues } from "./validation-message.js";

/**
 * The scopes the spec's oauth2 security requirement names for this operation; a bank token
 * without them is refused with the spec's 403 `invalid_scope` example.
 */
const REQUIRED_SCOPES: readonly string[] =
  (
    spec.paths[CUSTOMER_TOKENS_PATH]?.post?.security as Record<string, string[]>[] | undefined
  )?.find((requirement) => "oauth2" in requirement)?.oauth2 ?? [];

function refuse(status: number, name: string, message?: string): Reply {
  return json(status, errorResponse(CUSTOMER_TOKENS_PATH, status, name, message));
}

export function handleCustomerToken(ctx: RouteContext): Reply {
  const { state, bearer } = ctx;
  // The limiter keys on the token's subject before it is verified, as a gateway would.
  const subject = typeof bearer.claims?.sub === "string" ? bearer.claims.sub : "";
  const limited = rateLimited(state, CUSTOMER_TOKENS_PATH, subject);
  if (limited) return limited;
  if (bearer.reason !== undefined) return refuse(401, bearer.reason);
  const granted = splitScopes(bearer.claims?.scope);
  if (!REQUIRED_SCOPES.every((scope) => granted.includes(scope)))
    return refuse(403, "invalid_scope");

  if (!ctx.body.parsed) {
    return refuse(400, "bad_request", "The request body must be JSON.");
  }
  const body = ctx.body.value;
  if (!serverPostCustomerToken(body)) {
    return refuse(400, "bad_request", describeIssues(serverPostCustomerToken.errors ?? []));
  }
  if (state.customers !== undefined && !state.customers.has(body.customer_guid)) {
    return refuse(422, "no_customer");
  }
  const iat = Math.floor(Date.now() / 1000);
  const accessToken = signJwt({
    iss: state.issuer,
    aud: audienceOf(state),
    sub: body.customer_guid,
    sub_type: "customer",
    scope: body.scopes.join(" "),
    iat,
    exp: iat + state.customerTokenTtlSeconds,
    jti: randomUUID(),
  });
  return json(201, { access_token: accessToken });
}
