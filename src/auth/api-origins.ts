/**
 * Where cybrid.fetch and cybrid.middleware may send the bank token: the check of the
 * `apiOrigins` option, and the guard that runs before every request. A refused request is a
 * ValidationError `origin_not_allowed`, thrown before a token is asked for or anything is sent.
 */
import { isLoopback } from "./environments.js";
import { configError } from "../errors/config-error.js";
import { ValidationError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";

/**
 * The `apiOrigins` option as origins (`new URL(x).origin`). Each must be https, or http on
 * loopback, and nothing but scheme, host and port. Issues name the index, never the value: a
 * userinfo part may hold a password.
 */
export function checkApiOrigins(value: readonly string[] | undefined, what: string): string[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw configError(what, "apiOrigins must be an array of origins");
  return value.map((raw: unknown, index) => {
    const issue = (why: string) => configError(what, `apiOrigins[${index}] ${why}`);
    let url: URL;
    try {
      url = new URL(raw as string);
    } catch {
      throw issue("is not a URL");
    }
    if (typeof raw !== "string") throw issue("is not a URL");
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
      throw issue("must use https (plain http is allowed on loopback only)");
    }
    if (url.username || url.password || url.pathname !== "/" || /[?#]/.test(raw)) {
      throw issue(
        "must be an origin: scheme, host and port, with no user, path, query or fragment",
      );
    }
    return url.origin;
  });
}

/** Throws ValidationError `origin_not_allowed` unless `input` is for one of the origins. */
export type OriginGuard = (input: RequestInfo | URL, who: string) => void;

/** The URL a fetch `input` names, as a string. */
export function urlOf(input: RequestInfo | URL): string {
  return typeof input === "string" ? input : input instanceof Request ? input.url : String(input);
}

/**
 * The guard for `origins` (as `new URL(x).origin` gives them): exact scheme, host and port. A
 * relative URL is refused too: it has no origin to compare, and a browser would resolve it
 * against the page, which is not necessarily an API of this client.
 */
export function apiOriginGuard(origins: readonly string[]): OriginGuard {
  const allowed = new Set(origins);
  const list = allowed.size === 0 ? "none" : [...allowed].join(", ");

  function refuse(who: string, why: string): ValidationError {
    return new ValidationError(
      `${who} refused to send the bank token`,
      [why],
      ERROR_CODES.ORIGIN_NOT_ALLOWED,
    );
  }

  return (input, who) => {
    // The URL parser decides, as fetch will: no prefix shortcut to get subtly wrong (userinfo,
    // default ports, case); a parse costs about a microsecond against a request's hundreds.
    let origin: string;
    try {
      origin = new URL(urlOf(input)).origin;
    } catch {
      throw refuse(who, "a relative URL has no origin to check: pass an absolute URL");
    }
    if (allowed.has(origin)) return;
    // Only the origin is named: a path or query may carry data the caller would not log.
    throw refuse(
      who,
      `${origin === "null" ? "a URL without an origin" : origin} is not an API origin of this ` +
        `client (allowed: ${list}); to allow it, add it to the apiOrigins option`,
    );
  };
}
