/**
 * Where the client sends what it holds: the check of the configured URLs (`baseUrl`, where the
 * secret goes; `apiOrigins`, where cybrid.fetch and cybrid.middleware may send the bank token),
 * and the guard that runs before every such request. A refused request is a ValidationError
 * `origin_not_allowed`, thrown before a token is asked for or anything is sent.
 */
import { isLoopback } from "./environments.js";
import { configError } from "../errors/config-error.js";
import { ValidationError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";

/**
 * A URL of the configuration (`baseUrl`, an entry of `apiOrigins`): https, or plain http on
 * loopback (the emulator), with no userinfo (it would be printed wherever the URL is), query or
 * fragment (they would swallow the paths appended to it). Issues name the option, never the
 * value: userinfo may hold a password.
 */
export function checkUrlOption(raw: unknown, name: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw as string);
  } catch {
    throw configError(what, `${name} is not a URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw configError(what, `${name} must use https (plain http on loopback only)`);
  }
  // `href`, not `search`/`hash`: those are empty for a bare "?" or "#", which still cut the path.
  if (url.username || url.password || /[?#]/.test(url.href)) {
    throw configError(what, `${name} must not contain credentials, a query or a fragment`);
  }
  return url;
}

/** The `apiOrigins` option as origins (`new URL(x).origin`): scheme, host and port only. */
export function checkApiOrigins(value: readonly string[] | undefined, what: string): string[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw configError(what, "apiOrigins must be an array of origins");
  return value.map((raw: unknown, index) => {
    const url = checkUrlOption(raw, `apiOrigins[${index}]`, what);
    if (url.pathname !== "/") {
      throw configError(what, `apiOrigins[${index}] must be an origin, with no path`);
    }
    return url.origin;
  });
}

/** Throws ValidationError `origin_not_allowed` unless `input` is for one of the origins. */
export interface OriginGuard {
  (input: RequestInfo | URL, who: string): void;
  /** The same decision for a URL already parsed (a redirect's target), as a boolean. */
  allows(url: URL): boolean;
}

/** The URL a fetch `input` names, as a string. */
export function urlOf(input: RequestInfo | URL): string {
  return input instanceof Request ? input.url : String(input);
}

/**
 * The guard for `origins` (as `new URL(x).origin` gives them): exact scheme, host and port. A
 * relative URL is refused too: it has no origin to compare, and a browser would resolve it
 * against the page, which is not necessarily an API of this client.
 */
export function apiOriginGuard(origins: readonly string[]): OriginGuard {
  const allowed = new Set(origins);
  const list = [...allowed].join(", ") || "none";
  // An opaque URL's origin is "null", which no allowed origin (http or https) is.
  const allows = (url: URL) => allowed.has(url.origin);
  const guard = (input: RequestInfo | URL, who: string) => {
    // The URL parser decides, as fetch will: no prefix shortcut to get subtly wrong (userinfo,
    // default ports, case); a parse costs about a microsecond against a request's hundreds.
    let url: URL | undefined;
    try {
      url = new URL(urlOf(input));
    } catch {
      // A relative URL: no origin, as "data:" and other opaque URLs have none ("null").
    }
    if (url !== undefined && allows(url)) return;
    const origin = url?.origin ?? "null";
    // Only the origin is named: a path or query may carry data the caller would not log.
    const why =
      origin === "null"
        ? "a relative or opaque URL has no origin to check"
        : `${origin} is not one of the client's API origins (${list}): add it to apiOrigins`;
    throw new ValidationError(
      `${who} refused to send the bank token`,
      [why],
      ERROR_CODES.ORIGIN_NOT_ALLOWED,
    );
  };
  return Object.assign(guard, { allows });
}
