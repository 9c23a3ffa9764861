/**
 * The consumer test's plain-JavaScript apps: the files the temporary consumer project runs with
 * `node` (an ESM app.mjs and a CommonJS app.cjs), each importing the PACKED package and getting
 * tokens from its emulator, and each loading the other format's build too, to check that errors
 * are recognised across the two builds in one process. Written into the project by scripts/consumer/checks.ts.
 */

/** Plain ESM, as `node app.mjs` runs it. */
export const ESM = `
import * as sdk from "cybrid-id";
import * as stores from "cybrid-id/store";
import { redisTokenStore } from "cybrid-id/redis";
import { startEmulator } from "cybrid-id/emulator";
import { bankSdkAccessToken, NoUsableTokenError } from "cybrid-id/bank-sdk";
import { createRequire } from "node:module";
for (const name of ["createCybridId", "CybridIdError", "AuthenticationError"])
  if (typeof sdk[name] !== "function") throw new Error("import: " + name + " is " + typeof sdk[name]);
if (typeof stores.MemoryTokenStore !== "function") throw new Error("import: MemoryTokenStore is " + typeof stores.MemoryTokenStore);
if (stores.UNREADABLE_VALUE !== sdk.ERROR_CODES.STORE_VALUE_UNREADABLE) throw new Error("import: UNREADABLE_VALUE is " + stores.UNREADABLE_VALUE);
// The stores live in their entries: the main entry takes any TokenStore and ships none.
if ("MemoryTokenStore" in sdk) throw new Error("import: the main entry exports MemoryTokenStore");
// Each entry bundles its own error classes; instanceof holds across them by the brand.
const badStore = (() => { try { redisTokenStore({ defineCommand() {} }, {}); } catch (e) { return e; } })();
if (!(badStore instanceof sdk.ValidationError)) throw new Error("import: store error is not sdk.ValidationError");
if (!sdk.isCybridIdError(badStore, sdk.ERROR_CODES.INVALID_CONFIGURATION)) throw new Error("import: isCybridIdError(store error) is false");
// The CJS build too, in this same process: its errors are the ESM build's classes, both ways,
// and only their own class.
const requireCjs = createRequire(import.meta.url);
const cjs = requireCjs("cybrid-id");
if (cjs.ValidationError === sdk.ValidationError) throw new Error("dual: require gave the ESM build");
const fromCjs = new cjs.ValidationError("Invalid", ["x"]);
const fromEsm = new sdk.RateLimitError("limited", { code: "rate_limited" });
const identity = {
  "cjs ValidationError instanceof esm ValidationError": fromCjs instanceof sdk.ValidationError,
  "cjs ValidationError instanceof esm CybridIdError": fromCjs instanceof sdk.CybridIdError,
  "esm RateLimitError instanceof cjs RateLimitError": fromEsm instanceof cjs.RateLimitError,
  "esm RateLimitError instanceof cjs CybridIdError": fromEsm instanceof cjs.CybridIdError,
  "cjs store error instanceof esm ValidationError": (() => { try { requireCjs("cybrid-id/redis").redisTokenStore({ defineCommand() {} }, {}); } catch (e) { return e instanceof sdk.ValidationError; } })(),
  "esm isCybridIdError(cjs error, validation_error)": sdk.isCybridIdError(fromCjs, "validation_error"),
  "cjs isCybridIdError(esm error)": cjs.isCybridIdError(fromEsm),
  "not cjs ValidationError instanceof esm RateLimitError": !(fromCjs instanceof sdk.RateLimitError),
  "not esm RateLimitError instanceof cjs ValidationError": !(fromEsm instanceof cjs.ValidationError),
};
const broken = Object.entries(identity).filter(([, ok]) => ok !== true).map(([name]) => name);
if (broken.length > 0) throw new Error("dual: " + broken.join("; "));
const emulator = await startEmulator({ tokenTtlSeconds: 600 });
try {
  const client = sdk.createCybridId({
    baseUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret,
    logger: "silent",
  });
  const token = await client.getToken();
  if (!/^[\\w-]+\\.[\\w-]+\\.[\\w-]+$/.test(token.accessToken)) throw new Error("not a JWT");
  await client.getToken();
  if (emulator.count("/oauth/token") !== 1) throw new Error("cache: " + emulator.count("/oauth/token") + " requests");
  // Two clients, one store from the other entry: one token request between them.
  const store = new stores.MemoryTokenStore();
  const [a, b] = [1, 2].map(() => sdk.createCybridId({
    baseUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret,
    logger: "silent", store,
  }));
  const [fromA, fromB] = [await a.getToken(), await b.getToken()];
  if (fromA.accessToken !== fromB.accessToken) throw new Error("store: two tokens");
  if (emulator.count("/oauth/token") !== 2) throw new Error("store: " + emulator.count("/oauth/token") + " requests");
  // The bank SDK's synchronous accessToken; its error is a CybridIdError of the main entry.
  const accessToken = await bankSdkAccessToken(client, { scopes: ["customers:read"] });
  if (!accessToken("oauth2", ["customers:read"]).startsWith("Bearer ")) throw new Error("bank-sdk: no Bearer");
  const uncovered = (() => { try { accessToken("oauth2", ["trades:execute"]); } catch (e) { return e; } })();
  if (!(uncovered instanceof NoUsableTokenError) || !(uncovered instanceof sdk.CybridIdError))
    throw new Error("bank-sdk: uncovered scopes gave " + uncovered);
  accessToken.dispose();
  console.log(JSON.stringify({ ok: true, expiresIn: Math.round((token.expiresAt - Date.now()) / 1000), dualBuildIdentity: Object.keys(identity).length }));
} finally {
  await emulator.close();
}
`;

/** CommonJS, as `node app.cjs` runs it: the `require` condition, dist/*.cjs. */
export const CJS = `
const sdk = require("cybrid-id");
const { MemoryTokenStore } = require("cybrid-id/store");
const { redisTokenStore } = require("cybrid-id/redis");
const { startEmulator } = require("cybrid-id/emulator");
const { bankSdkAccessToken } = require("cybrid-id/bank-sdk");
const { version } = require("cybrid-id/package.json");
const resolved = ["cybrid-id", "cybrid-id/store", "cybrid-id/emulator", "cybrid-id/bank-sdk"].map((id) => require.resolve(id));
if (!resolved.every((path) => path.endsWith(".cjs"))) throw new Error("require resolved " + resolved);
if (typeof sdk.createCybridId !== "function") throw new Error("require: no createCybridId");
if (typeof MemoryTokenStore !== "function") throw new Error("require: no MemoryTokenStore");
const badStore = (() => { try { redisTokenStore({ defineCommand() {} }, {}); } catch (e) { return e; } })();
if (!(badStore instanceof sdk.ValidationError)) throw new Error("require: store error is not sdk.ValidationError");
(async () => {
  const emulator = await startEmulator({ tokenTtlSeconds: 600 });
  try {
    const client = sdk.createCybridId({
      baseUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret,
      logger: "silent",
    });
    const customer = await client.getCustomerToken({
      customerGuid: "0123456789abcdef0123456789abcdef", scopes: ["accounts:read"],
    });
    if (!/^[\\w-]+\\.[\\w-]+\\.[\\w-]+$/.test(customer.accessToken)) throw new Error("not a JWT");
    // A typed error from the CJS build is an instance of the CJS build's class.
    const wrong = sdk.createCybridId({
      baseUrl: emulator.url, clientId: emulator.clientId, clientSecret: "wrong-secret", logger: "silent",
    });
    const error = await wrong.getToken().then(() => undefined, (caught) => caught);
    if (!(error instanceof sdk.AuthenticationError)) throw new Error("wrong secret: " + error);
    const badBridge = await bankSdkAccessToken(client, { scopes: [] }).then(() => undefined, (caught) => caught);
    if (!(badBridge instanceof sdk.ValidationError)) throw new Error("require: bank-sdk error is not sdk.ValidationError");
    // The ESM build in this same process: the CJS build's errors are its classes, both ways.
    const esm = await import("cybrid-id");
    if (esm.AuthenticationError === sdk.AuthenticationError) throw new Error("dual: import() gave the CJS build");
    if (!(error instanceof esm.AuthenticationError) || !(error instanceof esm.CybridIdError) || error instanceof esm.ValidationError)
      throw new Error("dual: a CJS AuthenticationError is not (only) the ESM build's");
    const fromEsm = new esm.TimeoutError("timed out", { code: esm.ERROR_CODES.TIMEOUT });
    if (!(fromEsm instanceof sdk.TimeoutError) || fromEsm instanceof sdk.RateLimitError || !sdk.isCybridIdError(fromEsm, "timeout"))
      throw new Error("dual: an ESM TimeoutError is not (only) the CJS build's");
    console.log(JSON.stringify({ ok: true, version, dualBuildIdentity: true }));
  } finally {
    await emulator.close();
  }
})().catch((error) => { console.error(error); process.exitCode = 1; });
`;
