/**
 * The package as a consumer gets it: build, `npm pack`, install the tarball into a fresh project
 * in os.tmpdir() that cannot see the source tree, and there
 *
 *   - check the tarball ships dist/, README.md, LICENSE, package.json (CHANGELOG.md) and nothing
 *     else, that every file package.json points at is in it, and print its size;
 *   - `import` and `require` `cybrid-id`, `cybrid-id/store` and `cybrid-id/emulator`, and get
 *     a token from the packed emulator with the packed SDK, both ways (two clients sharing a
 *     `MemoryTokenStore` from `cybrid-id/store` make one token request);
 *   - type-check TypeScript examples against the shipped declarations (skipLibCheck off) under
 *     `moduleResolution` node16 (an .mts and a .cts file) and bundler (a Node file, and a
 *     browser file without @types/node);
 *   - run the `cybrid-id` binary: `npx cybrid-id --version`, and `cybrid-id token` against an
 *     emulator.
 *
 *   npx tsx scripts/consumer-test.ts [--keep]     (--keep: leave the temporary project)
 *
 * Exit status: 0 all good; 1 a check failed; 77 this machine cannot run it (no node_modules,
 * the registry unreachable and npm's cache lacking a dependency).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { startEmulator as StartEmulator } from "../src/emulator/index.js";
import {
  buildAndPack,
  CannotRunError,
  cleanEnv,
  createConsumerProject,
  describeRun,
  EXIT_CANNOT_RUN,
  formatBytes,
  repoVersionOf,
  run,
  tarballProblems,
  type Packed,
} from "./matrix/package.js";

const keep = process.argv.includes("--keep");
const say = (line: string) => console.log(`[consumer] ${line}`);
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** Results, in order; any failure makes the script exit 1. */
const checks: Array<{ name: string; ok: boolean; ms: number; detail?: string }> = [];

async function check(name: string, body: () => Promise<string | void>): Promise<void> {
  const started = Date.now();
  try {
    const detail = (await body()) ?? undefined;
    checks.push({ name, ok: true, ms: Date.now() - started, ...(detail ? { detail } : {}) });
    say(`ok    ${name}${detail ? ` (${detail})` : ""}`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    checks.push({ name, ok: false, ms: Date.now() - started, detail });
    say(`FAIL  ${name}\n${detail}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The consumer project's files.

/** Plain ESM, as `node app.mjs` runs it. */
const ESM = `
import * as sdk from "cybrid-id";
import * as stores from "cybrid-id/store";
import { startEmulator } from "cybrid-id/emulator";
for (const name of ["createCybridId", "CybridIdError", "AuthenticationError"])
  if (typeof sdk[name] !== "function") throw new Error("import: " + name + " is " + typeof sdk[name]);
for (const name of ["MemoryTokenStore", "sharedTokenStore"])
  if (typeof stores[name] !== "function") throw new Error("import: store " + name + " is " + typeof stores[name]);
// The store protocol lives in cybrid-id/store only: the main entry stays small.
if ("MemoryTokenStore" in sdk) throw new Error("import: the main entry exports MemoryTokenStore");
// One set of error classes for every entry: a store's configuration error is the main entry's.
const badStore = (() => { try { stores.sharedTokenStore(new stores.MemoryTokenStore(), { timeout: -1 }); } catch (e) { return e; } })();
if (!(badStore instanceof sdk.ValidationError)) throw new Error("import: store error is not sdk.ValidationError");
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
  console.log(JSON.stringify({ ok: true, expiresIn: Math.round((token.expiresAt - Date.now()) / 1000) }));
} finally {
  await emulator.close();
}
`;

/** CommonJS, as `node app.cjs` runs it: the `require` condition, dist/*.cjs. */
const CJS = `
const sdk = require("cybrid-id");
const { sharedTokenStore } = require("cybrid-id/store");
const { startEmulator } = require("cybrid-id/emulator");
const { version } = require("cybrid-id/package.json");
const resolved = ["cybrid-id", "cybrid-id/store", "cybrid-id/emulator"].map((id) => require.resolve(id));
if (!resolved.every((path) => path.endsWith(".cjs"))) throw new Error("require resolved " + resolved);
if (typeof sdk.createCybridId !== "function") throw new Error("require: no createCybridId");
if (typeof sharedTokenStore !== "function") throw new Error("require: no sharedTokenStore");
const badStore = (() => { try { sharedTokenStore({}, { lockTtl: 0 }); } catch (e) { return e; } })();
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
      baseUrl: emulator.url, clientId: emulator.clientId, clientSecret: "wrong", logger: "silent",
    });
    const error = await wrong.getToken().then(() => undefined, (caught) => caught);
    if (!(error instanceof sdk.AuthenticationError)) throw new Error("wrong secret: " + error);
    console.log(JSON.stringify({ ok: true, version }));
  } finally {
    await emulator.close();
  }
})().catch((error) => { console.error(error); process.exitCode = 1; });
`;

/** TypeScript for Node: the same source checked as .mts (node16), .ts (bundler). */
const TS_NODE = `
import {
  AuthenticationError,
  createCybridId,
  CybridIdError,
  type AccessToken,
  type CustomerToken,
  type CybridIdOptions,
  type SharedTokenStore,
} from "cybrid-id";
import { startEmulator, type Emulator } from "cybrid-id/emulator";
import { MemoryTokenStore, sharedTokenStore, type TokenStore } from "cybrid-id/store";

const emulator: Emulator = await startEmulator({ cors: true, tokenTtlSeconds: 600 });
const options: CybridIdOptions = {
  clientId: emulator.clientId,
  clientSecret: emulator.clientSecret,
  baseUrl: emulator.url,
  maxRetries: 1,
  // A store of cybrid-id/store fits the option of cybrid-id.
  store: new MemoryTokenStore({ timeout: 100, lockTtl: 5_000 }),
};
const raw: TokenStore = new MemoryTokenStore();
const wrapped: SharedTokenStore = sharedTokenStore(raw, { timeout: 250 });
// @ts-expect-error: a bare TokenStore is not a shared store (wrap it with sharedTokenStore)
const bare: CybridIdOptions = { store: raw };
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
await emulator.close();
console.log(expires, bearer, customer, requests, wrapped, bare);
`;

/** The same through require() types: a .cts file under node16 resolves index.d.cts. */
const TS_CJS = `
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
const TS_BROWSER = `
import { createCybridId, RateLimitError, type AccessToken } from "cybrid-id";
import { MemoryTokenStore } from "cybrid-id/store";

const client = createCybridId({
  clientId: "id",
  clientSecret: "secret",
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

const TSCONFIGS: Record<string, object> = {
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

// ---------------------------------------------------------------------------------------------

async function consumerChecks(packed: Packed, dir: string): Promise<void> {
  const node = (file: string) => run(process.execPath, [file], { cwd: dir, timeoutMs: 60_000 });
  const files: Record<string, string> = {
    "app.mjs": ESM,
    "app.cjs": CJS,
    "app.mts": TS_NODE,
    "app.ts": TS_NODE,
    "app-cjs.cts": TS_CJS,
    "browser.ts": TS_BROWSER,
  };
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(dir, name), text.trimStart());
  for (const [name, config] of Object.entries(TSCONFIGS))
    writeFileSync(join(dir, name), `${JSON.stringify(config, null, 2)}\n`);

  await check(
    "import (ESM): cybrid-id + /store + /emulator, tokens from the emulator",
    async () => {
      const result = await node("app.mjs");
      if (result.code !== 0) throw new Error(describeRun("node app.mjs", result));
      return result.stdout.trim();
    },
  );
  await check(
    "require (CJS): cybrid-id + /store + /emulator, customer token, typed error",
    async () => {
      const result = await node("app.cjs");
      if (result.code !== 0) throw new Error(describeRun("node app.cjs", result));
      return result.stdout.trim();
    },
  );

  const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
  for (const [config, what] of [
    ["tsconfig.node16.json", "moduleResolution node16 (.mts + .cts)"],
    ["tsconfig.bundler.json", "moduleResolution bundler (Node)"],
    ["tsconfig.browser.json", "moduleResolution bundler (browser: DOM, no @types/node)"],
  ] as const) {
    await check(`tsc: ${what}, skipLibCheck false`, async () => {
      const result = await run(process.execPath, [tsc, "-p", config], {
        cwd: dir,
        timeoutMs: 120_000,
      });
      if (result.code !== 0) throw new Error(describeRun(`tsc -p ${config}`, result));
    });
  }

  // `--no --`: never install from the registry; and without `--`, `npx --no cybrid-id --version`
  // prints npm's own version.
  await check("bin: npx cybrid-id --version", async () => {
    const result = await run("npx", ["--no", "--", "cybrid-id", "--version"], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    if (result.code !== 0) throw new Error(describeRun("npx cybrid-id --version", result));
    if (result.stdout.trim() !== packed.version)
      throw new Error(`printed "${result.stdout.trim()}", the package is ${packed.version}`);
    return result.stdout.trim();
  });

  await check("bin: cybrid-id token against the packed emulator", async () => {
    // The emulator of the INSTALLED package, resolved from the consumer project.
    const require = createRequire(join(dir, "package.json"));
    const { startEmulator } = require("cybrid-id/emulator") as {
      startEmulator: typeof StartEmulator;
    };
    const emulator = await startEmulator({ tokenTtlSeconds: 600 });
    try {
      const env = cleanEnv({
        CYBRID_ID_URL: emulator.url,
        CYBRID_CLIENT_ID: emulator.clientId,
        CYBRID_CLIENT_SECRET: emulator.clientSecret,
      });
      const result = await run("npx", ["--no", "--", "cybrid-id", "token"], {
        cwd: dir,
        env,
        timeoutMs: 60_000,
      });
      if (result.code !== 0) throw new Error(describeRun("cybrid-id token", result));
      const token = result.stdout.trim();
      if (!JWT.test(token))
        throw new Error(`stdout is not a JWT: ${JSON.stringify(result.stdout)}`);
      if (emulator.count("/oauth/token") !== 1)
        throw new Error(`${emulator.count("/oauth/token")} token requests, expected 1`);
      if ((result.stdout + result.stderr).includes(emulator.clientSecret))
        throw new Error("the client secret was printed");
      return `${token.slice(0, 12)}..., exit 0`;
    } finally {
      await emulator.close();
    }
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), "cybrid-id-pack-"));
  let project: string | undefined;
  try {
    const packed = await buildAndPack(work, say);
    say(
      `tarball: ${packed.name}@${packed.version}, ${formatBytes(packed.size)} packed, ` +
        `${formatBytes(packed.unpackedSize)} unpacked, ${packed.files.length} files`,
    );
    for (const file of [...packed.files].sort((a, b) => a.path.localeCompare(b.path)))
      say(`  ${formatBytes(file.size).padStart(9)}  ${file.path}`);
    await check("tarball: only what consumers need, everything package.json names", async () => {
      const problems = tarballProblems(packed);
      if (problems.length > 0) throw new Error(problems.join("\n"));
      return `${packed.files.length} files, ${formatBytes(packed.size)}`;
    });

    const extra = [
      `typescript@${repoVersionOf("typescript")}`,
      `@types/node@${repoVersionOf("@types/node")}`,
    ];
    const consumer = await createConsumerProject("cybrid-id-consumer-", packed.tarball, extra, say);
    project = consumer.dir;
    say(
      `install: ${consumer.dir}, npm install ${consumer.how}, ${(consumer.installMs / 1000).toFixed(1)} s`,
    );
    await consumerChecks(packed, consumer.dir);
  } catch (error) {
    if (error instanceof CannotRunError) {
      console.error(`\n*** consumer test: CANNOT RUN on this machine: ${error.message} ***\n`);
      return EXIT_CANNOT_RUN;
    }
    checks.push({ name: "build, pack and install", ok: false, ms: 0, detail: String(error) });
    console.error(error);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (project !== undefined) {
      if (keep) say(`kept ${project}`);
      else rmSync(project, { recursive: true, force: true });
    }
  }
  const failed = checks.filter((entry) => !entry.ok);
  say(
    `${checks.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
