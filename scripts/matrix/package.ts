/**
 * Shared by scripts/consumer-test.ts and scripts/runtime-matrix.ts: build the package and pack
 * it exactly as `npm publish` would, then install the tarball into a project that cannot see the
 * source tree.
 *
 * The build runs in a STAGING COPY of the work tree (os.tmpdir, node_modules symlinked), not in
 * the repo: `npm run build` empties dist/ first, and other test files (test/cli, the walkthrough)
 * read the repo's dist/ while `npm test` runs them in parallel. The copy also guarantees the
 * tarball is built from the current sources, never from a stale dist/.
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Exit status of a script that could not run here (as opposed to one that found a bug). */
export const EXIT_CANNOT_RUN = 77;

/** Thrown for "this machine cannot do it" (no tsup, registry unreachable), not "the package is broken". */
export class CannotRunError extends Error {}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
}

/**
 * The environment for child processes of a consumer project: without the variables `npm run`
 * and tsx/vitest set for THIS repo (npm_package_*, npm_config_local_prefix, NODE_OPTIONS), so
 * npm and node in the consumer project behave as they would on a user's machine. npm settings a
 * user could have (cache, registry, offline) are kept.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^npm_/i.test(key) && !keep.has(key.toLowerCase())) continue;
    if (["NODE_OPTIONS", "INIT_CWD", "NODE_PATH", "TSX_TSCONFIG_PATH"].includes(key)) continue;
    if (key.startsWith("VITEST") || key === "TEST" || key === "NODE_ENV") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end and collects its output; never throws for a non-zero exit. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdin.end(options.input ?? "");
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 300_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** `cmd args` failed: its last lines, for a readable error. */
export function describeRun(what: string, result: RunResult): string {
  const tail = (text: string) => text.trim().split("\n").slice(-25).join("\n");
  return `${what} exited ${result.code}\n--- stdout ---\n${tail(result.stdout)}\n--- stderr ---\n${tail(result.stderr)}`;
}

export interface PackedFile {
  path: string;
  size: number;
  mode: number;
}

export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string;
  name: string;
  version: string;
  /** Bytes of the .tgz. */
  size: number;
  unpackedSize: number;
  files: PackedFile[];
  /** The package.json that was packed. */
  manifest: Record<string, unknown>;
  buildMs: number;
  packMs: number;
}

/** Top-level entries of the work tree that never go into the staging copy. */
const NOT_STAGED = new Set([
  "node_modules",
  ".git",
  "dist",
  ".tmp",
  "coverage",
  "test-artifacts",
  "docs",
]);

/**
 * `npm run build` in a staging copy, then `npm pack` into `outDir`. Throws CannotRunError when
 * the build cannot even start (no node_modules); a failing build throws a plain Error.
 */
export async function buildAndPack(outDir: string, log: (line: string) => void): Promise<Packed> {
  if (!existsSync(join(ROOT, "node_modules", ".bin", "tsup")))
    throw new CannotRunError("node_modules/.bin/tsup is missing: run `npm ci` first");
  const stage = mkdtempSync(join(tmpdir(), "cybrid-id-stage-"));
  try {
    cpSync(ROOT, stage, {
      recursive: true,
      filter: (source) => {
        const rel = relative(ROOT, source);
        if (rel === "") return true;
        const top = rel.split(sep)[0] ?? "";
        return !NOT_STAGED.has(top) && !rel.endsWith(".tgz");
      },
    });
    symlinkSync(join(ROOT, "node_modules"), join(stage, "node_modules"), "dir");
    log(`build: npm run build (in a staging copy, ${stage})`);
    const build = await run("npm", ["run", "build"], { cwd: stage, timeoutMs: 300_000 });
    if (build.code !== 0) throw new Error(describeRun("npm run build", build));
    log(`build: ${(build.ms / 1000).toFixed(1)} s`);

    mkdirSync(outDir, { recursive: true });
    const pack = await run("npm", ["pack", "--json", "--pack-destination", outDir], {
      cwd: stage,
      timeoutMs: 120_000,
    });
    if (pack.code !== 0) throw new Error(describeRun("npm pack", pack));
    const json = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as Array<{
      name: string;
      version: string;
      filename: string;
      size: number;
      unpackedSize: number;
      files: PackedFile[];
    }>;
    const info = json[0];
    if (info === undefined) throw new Error(`npm pack printed no package:\n${pack.stdout}`);
    const manifest = JSON.parse(readFileSync(join(stage, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    return {
      tarball: join(outDir, basename(info.filename)),
      name: info.name,
      version: info.version,
      size: info.size,
      unpackedSize: info.unpackedSize,
      files: info.files,
      manifest,
      buildMs: build.ms,
      packMs: pack.ms,
    };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** What a consumer needs, and nothing else: dist/, the readme, the license, the changelog. */
const ALLOWED =
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+\.(js|cjs|d\.ts|d\.cts))$/;

/** Every file the manifest points at (exports, main, module, types, bin). */
function referencedFiles(manifest: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      if (value.startsWith("./")) found.add(value.slice(2));
    } else if (value !== null && typeof value === "object") {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  walk(manifest.exports);
  walk(manifest.bin);
  for (const field of ["main", "module", "types"]) walk(manifest[field]);
  return [...found].sort();
}

/** Problems with the tarball's file list; empty when it ships exactly what consumers need. */
export function tarballProblems(packed: Packed): string[] {
  const problems: string[] = [];
  const paths = new Set(packed.files.map((file) => file.path));
  for (const path of paths)
    if (!ALLOWED.test(path)) problems.push(`ships ${path}: not something a consumer needs`);
  for (const required of ["package.json", "README.md", "LICENSE"])
    if (!paths.has(required)) problems.push(`does not ship ${required}`);
  for (const referenced of referencedFiles(packed.manifest))
    if (!paths.has(referenced))
      problems.push(`package.json points at ${referenced}, not in the tarball`);
  return problems;
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

/**
 * A fresh project in os.tmpdir() (never inside the repo: Node and TypeScript would otherwise
 * walk up into the repo's node_modules) with the tarball and `extra` packages installed.
 * Offline first, from npm's cache; the registry only when the cache lacks something.
 */
export async function createConsumerProject(
  prefix: string,
  tarball: string,
  extra: string[],
  log: (line: string) => void,
): Promise<{ dir: string; installMs: number; how: string }> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  if (dir.startsWith(ROOT + sep) || !relative(ROOT, dir).startsWith(".."))
    throw new CannotRunError(`os.tmpdir() (${tmpdir()}) is inside the repo: set TMPDIR elsewhere`);
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)}\n`,
  );
  const base = ["install", tarball, ...extra, "--no-audit", "--no-fund", "--ignore-scripts"];
  let how = "--offline";
  let install = await run("npm", [...base, "--offline"], { cwd: dir, timeoutMs: 300_000 });
  if (install.code !== 0) {
    how = "--prefer-offline (the cache lacked something)";
    log("install: not everything is in npm's cache, trying --prefer-offline");
    install = await run("npm", [...base, "--prefer-offline"], { cwd: dir, timeoutMs: 300_000 });
  }
  if (install.code !== 0) {
    const output = install.stdout + install.stderr;
    const network = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network/i.test(output);
    const message = describeRun(`npm ${base.join(" ")} --prefer-offline`, install);
    throw network ? new CannotRunError(message) : new Error(message);
  }
  return { dir, installMs: install.ms, how };
}

/** The exact version of a package installed in the repo, so installs hit npm's cache. */
export function repoVersionOf(name: string): string {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"),
  ) as { version: string };
  return manifest.version;
}
