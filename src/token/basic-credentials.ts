/**
 * HTTP Basic client authentication's encoding of the credentials: the token request sends it,
 * and the client gives it to the redactor, which blanks it out of whatever a server echoes.
 */
import { formUrlEncode } from "../log/redactor.js";

/**
 * The credentials of HTTP Basic client authentication (RFC 6749 section 2.3.1): the client id
 * and secret are each form-urlencoded, joined by `:` and base64-encoded as UTF-8. The header is
 * `Authorization: Basic <this>`.
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const bytes = new TextEncoder().encode(
    `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`,
  );
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
