/**
 * RS256 JWTs with node:crypto. One key pair per process: generating a 2048-bit RSA key takes
 * tens of milliseconds (over a second on a loaded machine), too slow to pay for every emulator
 * a test suite starts, and tokens minted by one emulator validating at another of the same
 * process is harmless. `startEmulator` makes it off the event loop (`prepareKeys`), so that the
 * first token request does not stall the process: a client under test in the same process
 * would see its timers run late.
 */
import { createHash, generateKeyPair, generateKeyPairSync, sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { decodeJwtSegment } from "../token/jwt.js";

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

let keys: KeyPair | undefined;
let preparing: Promise<void> | undefined;

function adopt(privateKey: KeyObject, publicKey: KeyObject): KeyPair {
  const der = publicKey.export({ type: "spki", format: "der" });
  const kid = createHash("sha256").update(der).digest("base64url").slice(0, 16);
  return (keys ??= { privateKey, publicKey, kid });
}

/** Makes the process's key pair in the background (once); resolves when it is there. */
export function prepareKeys(): Promise<void> {
  preparing ??= promisify(generateKeyPair)("rsa", { modulusLength: 2048 }).then(
    ({ privateKey, publicKey }) => void adopt(privateKey, publicKey),
  );
  return preparing;
}

/** The key pair; made here, blocking, only when nobody prepared it (a unit test signing). */
function keyPair(): KeyPair {
  if (keys !== undefined) return keys;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return adopt(privateKey, publicKey);
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Signs exactly these claims (nothing is added: tests mint expired or foreign tokens). */
export function signJwt(claims: Record<string, unknown>): string {
  const { privateKey, kid } = keyPair();
  const input = `${encodeJson({ alg: "RS256", typ: "JWT", kid })}.${encodeJson(claims)}`;
  const signature = sign("sha256", Buffer.from(input), privateKey).toString("base64url");
  return `${input}.${signature}`;
}

/** The outcome of checking a token's form and signature (claims are judged elsewhere). */
export type JwtCheck =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; problem: "malformed" | "signature"; claims?: Record<string, unknown> };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * "malformed": not three base64url parts at all. "signature": JWT-shaped but not ours (bad
 * JSON, another algorithm, `alg: none`, a signature that does not verify). The decoded claims
 * come back either way so that the request log can show `exp`.
 */
export function verifyJwt(token: string): JwtCheck {
  if (!JWT_SHAPE.test(token)) return { ok: false, problem: "malformed" };
  const [headerPart = "", payloadPart = "", signaturePart = ""] = token.split(".");
  const header = decodeJwtSegment(headerPart);
  const claims = decodeJwtSegment(payloadPart);
  if (header?.alg !== "RS256" || claims === undefined) {
    return claims === undefined
      ? { ok: false, problem: "signature" }
      : { ok: false, problem: "signature", claims };
  }
  const valid = verify(
    "sha256",
    Buffer.from(`${headerPart}.${payloadPart}`),
    keyPair().publicKey,
    Buffer.from(signaturePart, "base64url"),
  );
  return valid ? { ok: true, claims } : { ok: false, problem: "signature", claims };
}
