/**
 * The consumer test's TypeScript examples and the tsconfigs that type-check them against the
 * SHIPPED declarations (skipLibCheck off): a Node source checked as .mts (node16) and .ts
 * (bundler), a .cts file (node16, require() types) and a browser file (DOM, no @types/node).
 * Written into the project by scripts/consumer/checks.ts.
 */

/** TypeScript for Node: the same source checked as .mts (node16), .ts (bundler). */
export const TS_NODE = `
import {
  AuthenticationError,
  createCybridId,
  CybridIdError,
  type AccessToken,
  type CustomerToken,
  type CybridIdOptions,
  type TokenStore,
} from "cybrid-id";
import { startEmulator, type Emulator } from "cybrid-id/emulator";
import { MemoryTokenStore, UNREADABLE_VALUE } from "cybrid-id/store";
import { bankSdkAccessToken, NoUsableTokenError } from "cybrid-id/bank-sdk";

const emulator: Emulator = await startEmulator({ cors: true, tokenTtlSeconds: 600 });
const options: CybridIdOptions = {
  clientId: emulator.clientId,
  clientSecret: emulator.clientSecret,
  baseUrl: emulator.url,
  maxRetries: 1,
  // A store of cybrid-id/store fits the option of cybrid-id; how it is used is the client's.
  store: new MemoryTokenStore(),
  storeTimeout: 100,
  storeLockTtl: 5_000,
};
// Any TokenStore is a store: an object with the four methods will do.
const plain: TokenStore = {
  get: async () => undefined,
  set: async () => undefined,
  acquire: async () => true,
  release: async () => undefined,
};
const withPlain: CybridIdOptions = { store: plain };
// @ts-expect-error: a store needs all four methods
const notAStore: CybridIdOptions = { store: { get: async () => undefined } };
const unreadable: string = UNREADABLE_VALUE;
const client = createCybridId(options);
const token: AccessToken = await client.getToken();
const expires: Date = token.expiresAt;
const bearer: string = token.accessToken;
const customer: CustomerToken = await client.getCustomerToken({
  customerGuid: "0123456789abcdef0123456789abcdef",
  scopes: ["accounts:read"],
});
// @ts-expect-error: a customer guid is a string (proves the declarations are not \`any\`)
await client.getCustomerToken({ customerGuid: 42, scopes: ["accounts:read"] });
emulator.inject({ path: "/oauth/token", status: 503, headers: { "retry-after": "1" } });
const requests: number = emulator.count("/oauth/token");
try {
  await client.getToken({ scopes: ["accounts:read"], signal: AbortSignal.timeout(5_000) });
} catch (error) {
  if (error instanceof AuthenticationError) console.log(error.status, error.code);
  else if (error instanceof CybridIdError) console.log(error.message);
}
// What Cybrid's bank SDK takes as Configuration's accessToken.
type BankSdkAccessTokenParameter = string | ((name?: string, scopes?: string[]) => string);
const bankToken: BankSdkAccessTokenParameter = await bankSdkAccessToken(client, {
  scopes: [["customers:read"], ["trades:execute"]],
});
// @ts-expect-error: scopes is a list, not a string
await bankSdkAccessToken(client, { scopes: "customers:read" });
try {
  if (typeof bankToken === "function") bankToken("oauth2", ["banks:read"]);
} catch (error) {
  if (error instanceof NoUsableTokenError) console.log(error.code, error.scopes);
}
await emulator.close();
console.log(expires, bearer, customer, requests, withPlain, notAStore, unreadable);
`;

/** The same through require() types: a .cts file under node16 resolves index.d.cts. */
export const TS_CJS = `
import { createCybridId, type AccessToken } from "cybrid-id";
import { startEmulator } from "cybrid-id/emulator";

async function main(): Promise<string> {
  const emulator = await startEmulator({ tokenTtlSeconds: 600 });
  const client = createCybridId({
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    baseUrl: emulator.url,
  });
  const token: AccessToken = await client.getToken();
  // @ts-expect-error: scopes is a list, not a string
  await client.getCustomerToken({ customerGuid: "0123456789abcdef0123456789abcdef", scopes: "x" });
  await emulator.close();
  return token.accessToken;
}
export = main;
`;

/** A browser app: DOM types, no @types/node; only the platform-neutral entries. */
export const TS_BROWSER = `
import { createCybridId, RateLimitError, type AccessToken } from "cybrid-id";
import { MemoryTokenStore } from "cybrid-id/store";

const client = createCybridId({
  clientId: "id",
  clientSecret: "not-real-secret",
  baseUrl: "https://id.sandbox.cybrid.app",
  fetch: (input, init) => window.fetch(input, init),
  store: new MemoryTokenStore(),
});
export async function authorize(request: Request): Promise<Request> {
  try {
    const token: AccessToken = await client.getToken();
    request.headers.set("authorization", \`Bearer \${token.accessToken}\`);
  } catch (error) {
    if (error instanceof RateLimitError) console.warn(error.retryAfter);
    throw error;
  }
  return request;
}
`;

const STRICT = {
  target: "ES2022",
  strict: true,
  noEmit: true,
  // The point: check the SHIPPED declarations too, as a consumer without skipLibCheck does.
  skipLibCheck: false,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
};

export const TSCONFIGS: Record<string, object> = {
  "tsconfig.node16.json": {
    compilerOptions: {
      ...STRICT,
      module: "node16",
      moduleResolution: "node16",
      types: ["node"],
      lib: ["ES2022"],
    },
    files: ["app.mts", "app-cjs.cts"],
  },
  "tsconfig.bundler.json": {
    compilerOptions: {
      ...STRICT,
      module: "preserve",
      moduleResolution: "bundler",
      types: ["node"],
      lib: ["ES2022"],
    },
    files: ["app.ts"],
  },
  "tsconfig.browser.json": {
    compilerOptions: {
      ...STRICT,
      module: "esnext",
      moduleResolution: "bundler",
      types: [],
      lib: ["ES2022", "DOM", "DOM.Iterable"],
    },
    files: ["browser.ts"],
  },
};
