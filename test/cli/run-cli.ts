/**
 * Runs the real `cybrid-id` binary as a child process: from source (node --import tsx) and,
 * when `npm run build` has produced it, from dist/ (what `npm i cybrid-id` installs).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { collect, watchSecret, watchToken } from "../helpers/leak-watch.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** tsup.config.ts builds src/cli/main.ts as entry `cli`, i.e. dist/cli.js (package.json bin). */
export const BUILT_CLI = `${ROOT}dist/cli.js`;
export const BUILT = existsSync(BUILT_CLI);

export interface Variant {
  name: string;
  /** node arguments that precede the CLI's own. */
  nodeArgs: string[];
  available: boolean;
}

export const VARIANTS: Variant[] = [
  {
    name: "source (tsx src/cli/main.ts)",
    nodeArgs: ["--import", "tsx", "src/cli/main.ts"],
    available: true,
  },
  { name: "built (dist/cli.js)", nodeArgs: [BUILT_CLI], available: BUILT },
];

if (!BUILT) {
  // Loud on purpose: a green run without the built variant tests less than it seems.
  console.warn(
    "\n*** test/cli: dist/cli.js is absent, the BUILT CLI variant is SKIPPED. Run `npm run build` first. ***\n",
  );
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without the user's own Cybrid settings, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith("CYBRID_")) delete base[name];
  return { ...base, NO_COLOR: "1", ...env };
}

/** Starts the CLI; the caller owns the child. */
export function startCli(
  variant: Variant,
  args: string[],
  env: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, [...variant.nodeArgs, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Runs the CLI to completion, with `input` on stdin (closed either way). */
export function runCli(
  variant: Variant,
  args: string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<Result> {
  const child = startCli(variant, args, options.env);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin?.end(options.input ?? "");
  return new Promise((resolve, reject) => {
    // A CLI that does not exit by itself is a bug (a handle left open): fail, and clean up.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`cybrid-id ${args.join(" ")} did not exit\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout, stderr };
      watchRun(args, cleanEnv(options.env ?? {}), result);
      resolve(result);
    });
  });
}

/** The value that follows `flag` in `args`. */
function flagValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args[at + 1];
}

/** Commands whose stdout is, by design, a token: the watch learns it rather than checks it. */
const PRINTS_A_TOKEN = new Set(["token", "customer-token"]);

/**
 * Hands a run to the leak watch (test/helpers/leak-watch.ts): the client secret the CLI was
 * given is watched, and both streams are checked for it and for every token, with two
 * exemptions that are the point of their command: the stdout of `token`/`customer-token` (the
 * token; learned here, so that it may appear nowhere else) and of `serve` (the emulator's
 * credentials; serve runs through startCli, which this never sees).
 */
function watchRun(args: string[], env: NodeJS.ProcessEnv, result: Result): void {
  const secret = flagValue(args, "--client-secret") ?? env.CYBRID_CLIENT_SECRET;
  const clientId = flagValue(args, "--client-id") ?? env.CYBRID_CLIENT_ID;
  if (secret !== undefined) watchSecret(secret, clientId);
  collect(result.stderr);
  // `-v token` is token too: the top-level -v/--verbose may precede the command.
  const command = args.find((arg) => arg !== "-v" && arg !== "--verbose") ?? "";
  // `-vh` is help as well: its stdout is the usage, no token to learn.
  const help =
    args.includes("--help") || args.includes("-h") || result.stdout.startsWith("Usage: cybrid-id");
  if (!PRINTS_A_TOKEN.has(command) || help || result.code !== 0) {
    collect(result.stdout);
    return;
  }
  const printed = result.stdout.trim();
  watchToken(
    printed.startsWith("{")
      ? (JSON.parse(printed) as { accessToken: string }).accessToken
      : printed,
  );
}

/** Resolves with the stdout seen so far once `pattern` appears in it. */
export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  let seen = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${String(pattern)} in: ${seen}`)),
      timeoutMs,
    );
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      seen += chunk;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    child.on("close", () => reject(new Error(`exited before ${String(pattern)}: ${seen}`)));
  });
}
