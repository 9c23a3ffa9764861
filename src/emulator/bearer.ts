/**
 * Judges a request's `Authorization` header the way the IdP does, answering with the name of
 * the spec's 401 example that describes what is wrong. The order follows ruby-jwt (signature,
 * then `exp`, `iss`, `aud`), then the subject type the endpoint needs.
 */
import { verifyJwt } from "./jwt.js";
import type { LoggedBearer } from "./types.js";

/** What the customer-token endpoint needs to know about the header. */
export interface BearerCheck {
  /** Set when the header used the Bearer scheme (what the request log records). */
  logged?: LoggedBearer;
  /** The spec's 401 example name when the request is refused. */
  reason?: string;
  /** The token's claims: verified when `reason` is undefined, only decoded otherwise. */
  claims?: Record<string, unknown>;
}

export interface BearerExpectations {
  issuer: string;
  /** A token is for us when its `aud` (string or array) contains this. */
  audience: string;
  nowSeconds: number;
}

function audienceMatches(aud: unknown, audience: string): boolean {
  return Array.isArray(aud) ? aud.includes(audience) : aud === audience;
}

/** Which 401 example a verified token deserves, if any. */
function claimProblem(
  claims: Record<string, unknown>,
  expect: BearerExpectations,
): string | undefined {
  const { exp } = claims;
  // A token without `exp` is accepted, as ruby-jwt does; one with a non-numeric `exp` is not.
  if (exp !== undefined && (typeof exp !== "number" || exp <= expect.nowSeconds)) {
    return "expired_signature";
  }
  if (claims.iss !== expect.issuer) return "invalid_issuer";
  if (!audienceMatches(claims.aud, expect.audience)) return "invalid_audience";
  if (claims.sub_type !== "bank") return "invalid_subject";
  return undefined;
}

export function checkBearer(header: string | undefined, expect: BearerExpectations): BearerCheck {
  if (header === undefined || header.trim() === "") return { reason: "unauthorized" };
  const match = /^Bearer(?:\s+(.*))?$/is.exec(header.trim());
  if (match === null) return { reason: "malformed_auth_header" };
  const token = (match[1] ?? "").trim();
  const refuse = (reason: string, claims?: Record<string, unknown>): BearerCheck => {
    const exp = typeof claims?.exp === "number" ? claims.exp : undefined;
    const logged: LoggedBearer = { token, valid: false, reason };
    if (exp !== undefined) logged.exp = exp;
    return claims === undefined ? { logged, reason } : { logged, reason, claims };
  };
  if (token === "" || /\s/.test(token)) return refuse("malformed_auth_header");
  const checked = verifyJwt(token);
  if (!checked.ok) {
    return refuse(
      checked.problem === "malformed" ? "malformed_auth_header" : "invalid_signature",
      checked.claims,
    );
  }
  const problem = claimProblem(checked.claims, expect);
  if (problem !== undefined) return refuse(problem, checked.claims);
  const logged: LoggedBearer = { token, valid: true };
  if (typeof checked.claims.exp === "number") logged.exp = checked.claims.exp;
  return { logged, claims: checked.claims };
}
