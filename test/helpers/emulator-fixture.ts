/**
 * Emulators for the emulator's own tests: started per test, all closed in afterEach so no
 * test leaves a socket or timer behind; plus small fetch wrappers for both endpoints.
 */
import { afterEach } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";

const open: Emulator[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((emulator) => emulator.close()));
});

/** An emulator closed automatically after the current test. */
export async function emulator(options?: EmulatorOptions): Promise<Emulator> {
  const started = await startEmulator(options);
  open.push(started);
  return started;
}

/** A response read whole: status, headers, and the body parsed as JSON when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
  contentType: string;
}

export async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  const contentType = response.headers.get("content-type") ?? "";
  return { status: response.status, headers: response.headers, text, body, contentType };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init = {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
  return read(await fetch(url, init));
}

/** POST /oauth/token (or another token path) with a JSON body. */
export function requestToken(emu: Emulator, body: Record<string, unknown>, path = "/oauth/token") {
  return postJson(`${emu.url}${path}`, { grant_type: "client_credentials", ...body });
}

/** A bank token of the emulator's first client (all its scopes unless told). */
export async function bankToken(emu: Emulator, scope?: string): Promise<string> {
  const answer = await requestToken(emu, {
    client_id: emu.clientId,
    client_secret: emu.clientSecret,
    ...(scope === undefined ? {} : { scope }),
  });
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.text}`);
  return (answer.body as { access_token: string }).access_token;
}

export const GUID = "7f9d3e1c2b4a5968a7b6c5d4e3f2a1b0";

/** POST /api/customer_tokens with this bearer token (or this raw Authorization header). */
export function requestCustomerToken(
  emu: Emulator,
  auth: { token: string } | { header: string } | undefined,
  body: unknown = { customer_guid: GUID, scopes: ["trades:read"] },
) {
  const headers: Record<string, string> = {};
  if (auth !== undefined)
    headers.authorization = "header" in auth ? auth.header : `Bearer ${auth.token}`;
  return postJson(`${emu.url}/api/customer_tokens`, body, headers);
}

/** A JWT's claims, unverified (tests look at what the emulator put in). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
