/**
 * `Bearer <token>` for the token in use, built once per token rather than once per request: the
 * string is long, and fetch validates every header value it is given.
 */
import type { AccessToken } from "../token/token-cache.js";

export function bearerHeaderCache(): (token: AccessToken) => string {
  let lastToken: AccessToken | undefined;
  let lastHeader = "";
  return (token) => {
    if (token !== lastToken) {
      lastToken = token;
      lastHeader = `Bearer ${token.accessToken}`;
    }
    return lastHeader;
  };
}
