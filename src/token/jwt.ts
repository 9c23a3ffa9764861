/**
 * Reads a JWT's claims without verifying it: the SDK only needs `exp` (and `iat`) to know
 * when to refresh. Nothing here makes a token trustworthy.
 */
/** One base64url JSON segment of a JWT (header or claims) as an object, or undefined. */
export function decodeJwtSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
    // atob takes it unpadded (forgiving-base64, as browsers and Node decode).
    const binary = atob(base64);
    // atob yields one char per byte; claims are UTF-8.
    const text = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    const json: unknown = JSON.parse(text);
    return json !== null && typeof json === "object" && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JWT's claims (its second segment), or undefined when it is not a JWT. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  return decodeJwtSegment(token.split(".")[1] ?? "");
}

/**
 * A JWT's lifetime in ms counted from `sentAt`, from its claims (decodeJwtClaims). With `iat`,
 * `exp - iat` is anchored on our own clock (robust to a server clock that is off); with `exp`
 * alone, `exp` is taken as absolute.
 */
export function jwtLifetimeMs(
  claims: Record<string, unknown> | undefined,
  sentAt: number,
): number | undefined {
  const exp = claims?.exp;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return undefined;
  const iat = claims?.iat;
  const lifetime = typeof iat === "number" && iat <= exp ? (exp - iat) * 1000 : exp * 1000 - sentAt;
  return lifetime > 0 ? lifetime : undefined;
}
