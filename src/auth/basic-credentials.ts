/**
 * The encodings of a client credential on the wire, in one place: the token request uses them
 * to send it, the redactor to recognise it in whatever a server echoes back.
 */

/** `application/x-www-form-urlencoded` encoding of one value (spaces as `+`), as forms send it. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice("v=".length);
}

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
