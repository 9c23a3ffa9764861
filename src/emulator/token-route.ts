/**
 * POST /oauth/token: the OAuth 2.0 client-credentials grant (RFC 6749 section 4.4), JSON or
 * form body, client authentication in the body or with HTTP Basic (section 2.3.1).
 */
import { randomUUID } from "node:crypto";
import {
  serverClientCredentialsRequest,
  type SpecValidationIssue,
} from "../../generated/validators.js";
import { json, type Reply } from "./http-io.js";
import { signJwt } from "./jwt.js";
import { allowedScopes, credentialTypeOf, splitScopes } from "./scopes.js";
import { exampleBody, TOKEN_PATH } from "./spec-examples.js";
import { audienceOf, header, rateLimited, type RouteContext } from "./state.js";
import { describeIssues } from "./validation-message.js";

function oauthError(status: number, name: string, description?: string): Reply {
  const body = exampleBody(TOKEN_PATH, status, name) as Record<string, unknown>;
  return json(
    status,
    description === undefined ? body : { ...body, error_description: description },
  );
}

/** `Basic base64(urlencode(id):urlencode(secret))`, or "bad" when the header is not decodable. */
function basicCredentials(
  authorization: string | undefined,
): { id: string; secret: string } | "bad" | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return "bad";
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
    };
  } catch {
    return "bad";
  }
}

/** Which OAuth error a schema failure is: the grant type and the scope have their own codes. */
function oauthErrorFor(issues: SpecValidationIssue[], body: Record<string, unknown>): Reply {
  if (issues.some((i) => i.instancePath === "/grant_type") && typeof body.grant_type === "string") {
    return oauthError(400, "unsupported_grant_type");
  }
  if (issues.some((i) => i.instancePath === "/scope") && typeof body.scope === "string") {
    return oauthError(400, "invalid_scope");
  }
  return oauthError(400, "invalid_request", describeIssues(issues));
}

export function handleToken(ctx: RouteContext): Reply {
  const { state } = ctx;
  if (
    !ctx.body.parsed ||
    ctx.body.value === null ||
    typeof ctx.body.value !== "object" ||
    Array.isArray(ctx.body.value)
  ) {
    return oauthError(
      400,
      "invalid_request",
      ctx.body.refusal ?? "The request body must be a JSON object or a form.",
    );
  }
  const body: Record<string, unknown> = { ...(ctx.body.value as Record<string, unknown>) };
  const basic = basicCredentials(header(ctx, "authorization"));
  if (basic === "bad") return oauthError(401, "invalid_client");
  if (basic !== undefined) {
    // RFC 6749 2.3: a client uses one authentication method; credentials in both places are refused.
    if (
      body.client_secret !== undefined ||
      (body.client_id !== undefined && body.client_id !== basic.id)
    ) {
      return oauthError(
        400,
        "invalid_request",
        "Client credentials given both in the body and the Authorization header.",
      );
    }
    body.client_id = basic.id;
    body.client_secret = basic.secret;
  }
  const limited = rateLimited(
    state,
    TOKEN_PATH,
    typeof body.client_id === "string" ? body.client_id : "",
  );
  if (limited) return limited;
  if (!serverClientCredentialsRequest(body)) {
    return oauthErrorFor(serverClientCredentialsRequest.errors ?? [], body);
  }
  // The schema leaves both optional (HTTP Basic carries them instead); one of the two ways
  // must carry them, or a required parameter is missing (RFC 6749 section 5.2).
  if (body.client_id === undefined || body.client_secret === undefined) {
    return oauthError(
      400,
      "invalid_request",
      `Missing ${body.client_id === undefined ? "client_id" : "client_secret"}: send client_id and client_secret in the body, or HTTP Basic.`,
    );
  }
  const client = state.clients.get(body.client_id);
  if (client === undefined || client.clientSecret !== body.client_secret) {
    return oauthError(401, "invalid_client");
  }
  // Only the scopes the spec documents for the client's credential type (and, when it was
  // registered with a list, only those): an organization-only scope asked with bank credentials
  // is `invalid_scope`, as Cybrid answers it.
  const allowed = allowedScopes(client);
  const asked = body.scope === undefined ? allowed : splitScopes(body.scope);
  if (asked.length === 0 || asked.some((scope) => !allowed.includes(scope))) {
    return oauthError(400, "invalid_scope");
  }
  const scope = [...new Set(asked)].join(" ");
  const iat = Math.floor(Date.now() / 1000);
  const accessToken = signJwt({
    iss: state.issuer,
    aud: audienceOf(state),
    sub: client.clientId,
    sub_type: credentialTypeOf(client),
    scope,
    iat,
    exp: iat + state.tokenTtlSeconds,
    jti: randomUUID(),
  });
  return json(200, {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: state.tokenTtlSeconds,
    scope,
    created_at: iat,
  });
}
