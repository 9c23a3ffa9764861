/**
 * Build of the published package (tsup 8: tsup 9 and tsdown need Node 22, and the build runs on
 * Node 20 too). Four builds, because the entries need different settings:
 *
 *   dist/index.{js,cjs,d.ts,d.cts}     `cybrid-id`           platform neutral: browsers, Deno,
 *                                                             Bun, workers, Node
 *   dist/store.{js,cjs,d.ts,d.cts}     `cybrid-id/store`     platform neutral too:
 *                                                             MemoryTokenStore, UNREADABLE_VALUE
 *   dist/bank-sdk.{js,cjs,d.ts,d.cts}  `cybrid-id/bank-sdk`  platform neutral too: the token
 *                                                             function of Cybrid's bank SDK
 *   dist/emulator.{js,cjs,d.ts,d.cts}  `cybrid-id/emulator`  Node only (node:http, node:crypto)
 *   dist/redis.{js,cjs,d.ts,d.cts}     `cybrid-id/redis`     Node only (node:crypto); the Redis
 *                                                             client is the user's, never imported
 *   dist/cli.js                        bin `cybrid-id`       Node only, ESM, with a shebang
 *
 * Dependencies (openapi-fetch) stay external: npm installs them, and bundling them would ship a
 * second copy to users who already use openapi-fetch. The configs run in parallel on one
 * outDir, so none of them may `clean` (it would delete the others' output): the `build` script
 * empties dist/ first.
 *
 * Each entry bundles its own copy of the error classes (no import rewriting between entries):
 * `instanceof` holds across copies, and across the ESM and CJS builds, by the brand in
 * src/errors/cybrid-id-error.ts.
 */
import { defineConfig, type Options } from "tsup";

const shared = {
  outDir: "dist",
  target: "node20",
  sourcemap: false,
  clean: false,
  splitting: false,
  treeshake: true,
  // Keep names readable in stack traces; consumers minify their own bundles.
  minify: false,
  // tsup strips `node:` by default (for Node 14); keeping it makes the neutral build below
  // reject Node built-ins instead of silently emitting `import "crypto"`.
  removeNodeProtocol: false,
} satisfies Options;

export default defineConfig([
  {
    ...shared,
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    // Neutral: no Node built-ins, no `main` field guessing. An accidental `node:` import in
    // the client or the stores fails the build ("Could not resolve") instead of breaking
    // browsers at runtime.
    platform: "neutral",
    dts: true,
  },
  {
    ...shared,
    entry: { store: "src/store/index.ts" },
    format: ["esm", "cjs"],
    platform: "neutral",
    dts: true,
  },
  {
    // Apart from the store: its declarations stay one file each (a shared build splits the
    // types both use into a chunk).
    ...shared,
    entry: { "bank-sdk": "src/bank-sdk/index.ts" },
    format: ["esm", "cjs"],
    platform: "neutral",
    dts: true,
  },
  {
    ...shared,
    entry: { emulator: "src/emulator/index.ts", redis: "src/redis/index.ts" },
    format: ["esm", "cjs"],
    platform: "node",
    dts: true,
  },
  {
    ...shared,
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    platform: "node",
    dts: false,
    banner: { js: "#!/usr/bin/env node" },
  },
]);
