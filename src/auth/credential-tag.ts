/**
 * The namespace of a client's keys in a shared token store: base URL, client id and a tag of
 * the client secret, so that only holders of the same secret share tokens (a client that
 * knows the id but not the secret must not take the bank token from the store). The tag is an
 * HMAC-SHA-256 keyed by the secret over a fixed label: it proves knowledge of the secret
 * without revealing it. WebCrypto (`crypto.subtle`), so the main entry stays platform neutral.
 */

/** Fixed, versioned: changing it moves every client to new keys (one refresh each). */
const LABEL = "cybrid-id/token-store-namespace/v1";

/**
 * A function giving the namespace, computed once on first use (asynchronously). The secret
 * stays in this closure: the store only ever sees the tag. Rejects where WebCrypto is missing
 * (a browser page outside a secure context): the client then fetches without the store.
 */
export function storeNamespace(
  baseUrl: string,
  clientId: string,
  clientSecret: string,
): () => Promise<readonly string[]> {
  let namespace: Promise<readonly string[]> | undefined;
  return () => (namespace ??= credentialTag(clientSecret).then((tag) => [baseUrl, clientId, tag]));
}

async function credentialTag(secret: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new Error("a shared store needs WebCrypto (crypto.subtle)");
  const encoder = new TextEncoder();
  const key = await subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await subtle.sign("HMAC", key, encoder.encode(LABEL)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
