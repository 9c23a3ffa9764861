/**
 * Every code block of README.md and docs-src/guide.md runs as written (how each kind is
 * checked: test/docs/snippets.ts). The TypeScript blocks are copied into .tmp/snippets inside
 * the repository, where `import ... from "cybrid-id"` resolves to the built package through its
 * own `exports` (npm test builds before vitest), type-checked under strict TypeScript with
 * NodeNext and with bundler resolution, and run with tsx against an emulator: a block that
 * throws, fails to compile or uses an undeclared name fails here with its file and line.
 *
 * The environment is what a newcomer has: CYBRID_ID_URL, CYBRID_CLIENT_ID and
 * CYBRID_CLIENT_SECRET of a running emulator (from the `export` lines that `npx cybrid-id
 * serve` prints, when the page runs it first), REDIS_URL of a real redis-server, and an
 * encryption key in CYBRID_TOKEN_KEY.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { hasRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";
import { extractSnippets, parseExports, type Snippet } from "./snippets.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PAGES = ["README.md", "docs-src/guide.md"];
const DIR = join(ROOT, ".tmp/snippets");
const BIN = join(ROOT, "node_modules/.bin");
const VITEST_CONFIG = join(DIR, "vitest.config.mjs");
const RUN_TIMEOUT_MS = 60_000;

const snippets = PAGES.flatMap((page) => extractSnippets(ROOT, page));
const typed = snippets.filter((s) => s.language === "ts" && s.mode !== "listing");

let emulator: Emulator | undefined;
let redis: RedisServer | undefined;
const background: ChildProcess[] = [];
/** The environment of the blocks: the emulator's credentials, then what `serve` printed. */
let env: NodeJS.ProcessEnv = {};

function fileOf(snippet: Snippet): string {
  return join(DIR, `${snippet.slug}${snippet.mode === "vitest" ? ".test" : ""}.ts`);
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/index.js")))
    throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  // A snippet without import or export is a script to TypeScript: make each one a module.
  for (const snippet of typed) writeFileSync(fileOf(snippet), `${snippet.code}export {};\n`);
  // The `vitest` blocks run as a reader's own test file would: not under this repo's config.
  writeFileSync(VITEST_CONFIG, 'export default { test: { include: ["*.test.ts"] } };\n');
  emulator = await startEmulator();
  if (hasRedis) redis = await startRedis();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("CYBRID_")),
  );
  env = {
    ...inherited,
    CYBRID_ID_URL: emulator.url,
    CYBRID_CLIENT_ID: emulator.clientId,
    CYBRID_CLIENT_SECRET: emulator.clientSecret,
    CYBRID_TOKEN_KEY: randomBytes(32).toString("hex"),
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
}, 60_000);

afterAll(async () => {
  for (const child of background) if (child.pid) process.kill(-child.pid, "SIGTERM");
  await emulator?.close();
  await redis?.stop();
});

describe("README and guide code blocks", () => {
  it("every block says how it is checked, and there are blocks to run", () => {
    expect(snippets.filter((s) => s.mode === "run").length).toBeGreaterThan(3);
  });

  for (const [config, resolution] of [
    ["NodeNext", { module: "NodeNext", moduleResolution: "NodeNext" }],
    ["bundler", { module: "ESNext", moduleResolution: "Bundler" }],
  ] as const) {
    it(`the TypeScript blocks type-check under strict ${config} resolution`, () => {
      const tsconfig = join(DIR, `tsconfig.${config}.json`);
      writeFileSync(
        tsconfig,
        JSON.stringify({
          compilerOptions: {
            ...resolution,
            target: "ES2022",
            strict: true,
            noUncheckedIndexedAccess: true,
            noEmit: true,
            skipLibCheck: true,
            types: ["node"],
          },
          include: ["*.ts"],
        }),
      );
      const result = spawnSync(join(BIN, "tsc"), ["-p", tsconfig], { encoding: "utf8" });
      // Errors name the copies, .tmp/snippets/<page>-<line>.ts: the page and line of the block.
      expect(result.stdout.trim()).toBe("");
      expect(result.status).toBe(0);
    }, 120_000);
  }

  for (const snippet of snippets.filter((s) => !["listing", "no-run"].includes(s.mode))) {
    it(
      `${snippet.where} (${snippet.language} ${snippet.mode}) runs`,
      async () => {
        if (snippet.code.includes("REDIS_URL") && !redis) {
          console.warn(`!!! ${snippet.where} not run: no redis-server here`);
          return;
        }
        if (snippet.mode === "background") {
          env = { ...env, ...(await startInBackground(snippet)) };
          return;
        }
        const [command, args] =
          snippet.mode === "shell"
            ? ["bash", ["-euo", "pipefail", "-c", snippet.code]]
            : snippet.mode === "vitest"
              ? [join(BIN, "vitest"), ["run", "--config", VITEST_CONFIG, fileOf(snippet)]]
              : [join(BIN, "tsx"), [fileOf(snippet)]];
        const result = spawnSync(command, args, {
          cwd: snippet.mode === "shell" ? ROOT : DIR,
          env,
          encoding: "utf8",
          timeout: RUN_TIMEOUT_MS,
        });
        const output = `${result.stdout}\n${result.stderr}`.trim();
        expect(result.status, `${snippet.where} failed:\n${output}`).toBe(0);
      },
      RUN_TIMEOUT_MS + 10_000,
    );
  }
});

/** Starts a long-running block and returns the `export` lines it printed, once it has. */
function startInBackground(snippet: Snippet): Promise<Record<string, string>> {
  const child = spawn("bash", ["-euo", "pipefail", "-c", snippet.code], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  background.push(child);
  let printed = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${snippet.where}: no exports after 30 s`)),
      30_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString("utf8");
      const exports = parseExports(printed);
      if (exports.CYBRID_CLIENT_SECRET !== undefined) {
        clearTimeout(timer);
        resolve(exports);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(`${snippet.where} exited (${code}) before printing its exports:\n${printed}`),
      );
    });
  });
}
