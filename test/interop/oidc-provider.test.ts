/**
 * Interop with a real OAuth 2.0 server: panva's oidc-provider, started in-process on loopback.
 * Not Cybrid's dialect: form bodies only, token path `/token`, no `created_at`, opaque tokens,
 * `exp = floor(now) + ttl`. The SDK must get tokens with both client authentication methods,
 * cache them, refresh them before the server's expiry, and map OAuth errors to typed errors
 * with one request each.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  createCybridId,
  type ClientAuthentication,
  type CybridIdOptions,
} from "../../src/index.js";

/** The server's access-token lifetime, in seconds: short, so that expiry happens in the test. */
const TTL = 3;
const POST_CLIENT = { id: "post-client", secret: "post-client-secret-0123456789" };
// Characters that RFC 6749's form-urlencoding before base64 changes: a naive Basic fails.
const BASIC_CLIENT = { id: "basic client+1", secret: "basic:secret +%2F-0123456789" };

let server: Server;
let baseUrl = "";
/** Requests oidc-provider received, by path. */
const received: string[] = [];
const tokenRequests = () => received.filter((path) => path === "/token").length;

beforeAll(async () => {
  // oidc-provider announces its development defaults (and, on Node 20, that it prefers 22) on
  // the console at import and construction; those notices are not this test's output.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith("oidc-provider ")) warn(...args);
  };
  try {
    const { default: Provider } = await import("oidc-provider");
    const client = (
      { id, secret }: { id: string; secret: string },
      method: ClientAuthentication,
      scope: string,
    ) => ({
      client_id: id,
      client_secret: secret,
      token_endpoint_auth_method: method,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope,
    });
    const provider = new Provider("http://127.0.0.1", {
      clients: [
        client(POST_CLIENT, "client_secret_post", "customers:read customers:write"),
        client(BASIC_CLIENT, "client_secret_basic", "customers:read"),
      ],
      scopes: ["customers:read", "customers:write"],
      features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
      ttl: { ClientCredentials: TTL },
    });
    const callback = provider.callback();
    server = createServer((request, response) => {
      received.push(new URL(request.url ?? "/", "http://x").pathname);
      void callback(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  } finally {
    console.warn = warn;
  }
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** When the server considers each token it issued expired: its `Date` + `expires_in`. */
const serverExpiry = new Map<string, number>();
/** Every token the server issued, in the order the responses arrived. */
const issued: string[] = [];

/** fetch that notes each token's server-side expiry; the request itself is untouched. */
const observingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const date = response.headers.get("date");
  if (response.ok && date !== null) {
    const body = (await response.clone().json()) as { access_token?: string; expires_in?: number };
    if (typeof body.access_token === "string" && typeof body.expires_in === "number") {
      serverExpiry.set(body.access_token, Date.parse(date) + body.expires_in * 1000);
      issued.push(body.access_token);
    }
  }
  return response;
};

function clientFor(
  credentials: { id: string; secret: string },
  clientAuthentication: ClientAuthentication,
  overrides: CybridIdOptions = {},
) {
  return createCybridId({
    baseUrl,
    clientId: credentials.id,
    clientSecret: credentials.secret,
    tokenPath: "/token",
    tokenEncoding: "form",
    clientAuthentication,
    fetch: observingFetch,
    logger: "silent",
    ...overrides,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ["client_secret_post", POST_CLIENT],
  ["client_secret_basic", BASIC_CLIENT],
] as const)("oidc-provider, %s", (method, credentials) => {
  it("issues a token, and the second getToken is served from cache", async () => {
    const before = tokenRequests();
    const cybrid = clientFor(credentials, method);
    const token = await cybrid.getToken({ scopes: ["customers:read"] });
    expect(token.accessToken).toMatch(/^\S{20,}$/);
    expect(token.scopes).toEqual(["customers:read"]);
    expect(await cybrid.getToken({ scopes: ["customers:read"] })).toBe(token);
    expect(tokenRequests() - before).toBe(1);
  });

  it("a wrong secret is an AuthenticationError (invalid_client) after one request", async () => {
    const before = tokenRequests();
    const cybrid = clientFor({ ...credentials, secret: `${credentials.secret}-wrong` }, method);
    const error = await cybrid.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: "invalid_client", status: 401 });
    expect(JSON.stringify(error)).not.toContain(credentials.secret);
    expect(tokenRequests() - before).toBe(1);
  });
});

it("a scope the client may not have is a BadRequestError (invalid_scope) after one request", async () => {
  const before = tokenRequests();
  const cybrid = clientFor(BASIC_CLIENT, "client_secret_basic");
  const error = await cybrid
    .getToken({ scopes: ["customers:write"] })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error).toMatchObject({ code: "invalid_scope", status: 400 });
  expect(tokenRequests() - before).toBe(1);
});

it(
  "refreshes across expiry and never serves a token past the server's expiry",
  { timeout: 20_000 },
  async () => {
    const cybrid = clientFor(POST_CLIENT, "client_secret_post");
    // Start late in a second: the server's whole-second clock then makes the token's real
    // lifetime almost a second shorter than `expires_in`, the case a client must not miss.
    await sleep(1900 - (Date.now() % 1000));
    const before = tokenRequests();
    const issuedBefore = issued.length;
    const first = await cybrid.getToken();
    const firstExpiry = serverExpiry.get(first.accessToken) ?? 0;
    expect(firstExpiry).toBeGreaterThan(Date.now());
    const served = new Set<string>();
    // The worst case seen of each kind, in ms; both must stay at 0.
    const late = { servedPastServerExpiry: 0, expiresAtPastServerExpiry: 0 };
    const until = Date.now() + 2.5 * TTL * 1000;
    while (Date.now() < until) {
      const token = await cybrid.getToken();
      const now = Date.now();
      const expiry = serverExpiry.get(token.accessToken) ?? 0;
      served.add(token.accessToken);
      late.servedPastServerExpiry = Math.max(late.servedPastServerExpiry, now - expiry + 1);
      // The SDK's own expiresAt must not promise more than the server gives.
      late.expiresAtPastServerExpiry = Math.max(
        late.expiresAtPastServerExpiry,
        token.expiresAt.getTime() - expiry,
      );
      await sleep(20);
    }
    // New tokens were fetched as each one neared its expiry, one request each. A background
    // refresh started by the loop's last call may land after the loop: that one token can be
    // issued and not yet served; every other one was served.
    await vi.waitFor(() => expect(issued.length - issuedBefore).toBe(tokenRequests() - before));
    const issuedHere = issued.slice(issuedBefore);
    expect(served.size).toBeGreaterThanOrEqual(2);
    expect([...served].every((token) => issuedHere.includes(token))).toBe(true);
    expect(issuedHere.slice(0, -1).filter((token) => !served.has(token))).toEqual([]);
    expect(late).toEqual({ servedPastServerExpiry: 0, expiresAtPastServerExpiry: 0 });
  },
);
