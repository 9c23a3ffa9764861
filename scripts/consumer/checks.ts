/**
 * The consumer test's checks inside the installed project: write the project's files (the apps
 * of ./js-apps.ts, the examples and tsconfigs of ./ts-examples.ts), then `node` the ESM and CJS
 * apps, `tsc` each tsconfig, and run the `cybrid-id` binary (`--version`, and `token` against the
 * installed package's emulator).
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { startEmulator as StartEmulator } from "../../src/emulator/index.js";
import { cleanEnv, describeRun, run, type Packed } from "../matrix/package.js";
import { CJS, ESM } from "./js-apps.js";
import { check } from "./report.js";
import { TS_BROWSER, TS_CJS, TS_NODE, TSCONFIGS } from "./ts-examples.js";

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export async function consumerChecks(packed: Packed, dir: string): Promise<void> {
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
    "import (ESM): cybrid-id + /store + /redis + /emulator + /bank-sdk, tokens, errors of the CJS build too",
    async () => {
      const result = await node("app.mjs");
      if (result.code !== 0) throw new Error(describeRun("node app.mjs", result));
      return result.stdout.trim();
    },
  );
  await check(
    "require (CJS): cybrid-id + /store + /redis + /emulator + /bank-sdk, customer token, errors of the ESM build too",
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
