/**
 * Running one matrix runtime as a child process (scripts/runtime-matrix.ts): the command line
 * each of Node, Bun and Deno runs scripts/matrix/run-smoke.mjs with, a fresh emulator for the run
 * (its URL and client in the child's env), and the `SMOKE_RESULT {...}` line read back as an
 * Outcome.
 */
import { join } from "node:path";
import { startHarness, type StartEmulator } from "./harness.js";
import { failed, type Outcome, type Step } from "./outcome.js";
import { cleanEnv, describeRun, run } from "./package.js";

const CHILD_TIMEOUT_MS = 90_000;

export interface ChildRuntime {
  /** The runtime's id: its install directory under the runtimes directory, and its `--only` name. */
  id: string;
  label: string;
  args: (bin: string) => string[];
  env?: Record<string, string>;
}

/** The installed runtimes, and how each runs the suite. */
export function childRuntimes(runtimesDir: string): ChildRuntime[] {
  return [
    { id: "node22", label: "node 22", args: () => ["run-smoke.mjs"] },
    { id: "node24", label: "node 24", args: () => ["run-smoke.mjs"] },
    // --no-install: Bun never fetches a missing import from the registry.
    { id: "bun", label: "bun", args: () => ["--no-install", "run-smoke.mjs"] },
    {
      id: "deno",
      label: "deno",
      // Least privilege: loopback and the suite's four variables. The SDK must work without
      // env access: Deno throws NotCapable for a read it was not allowed.
      args: () => [
        "run",
        "--no-prompt",
        "--cached-only",
        "--node-modules-dir=manual",
        "--allow-net=127.0.0.1",
        `--allow-env=${[
          "MATRIX_EMULATOR_URL",
          "MATRIX_CONTROL_URL",
          "MATRIX_CLIENT_ID",
          "MATRIX_CLIENT_SECRET",
        ].join(",")}`,
        "run-smoke.mjs",
      ],
      env: { DENO_DIR: join(runtimesDir, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" },
    },
  ];
}

/** The `SMOKE_RESULT {...}` line a child printed. */
function parseResult(
  output: string,
): { runtime: string; version: string; steps: Step[] } | undefined {
  const line = output.split("\n").find((candidate) => candidate.startsWith("SMOKE_RESULT "));
  return line === undefined ? undefined : JSON.parse(line.slice("SMOKE_RESULT ".length));
}

export async function runChild(
  label: string,
  command: string,
  commandArgs: string[],
  app: string,
  startEmulator: StartEmulator,
  extraEnv: Record<string, string> = {},
): Promise<Outcome> {
  const started = Date.now();
  const harness = await startHarness(startEmulator);
  try {
    const env = cleanEnv({
      ...extraEnv,
      NO_COLOR: "1",
      MATRIX_EMULATOR_URL: harness.emulator.url,
      MATRIX_CONTROL_URL: harness.controlUrl,
      MATRIX_CLIENT_ID: harness.emulator.clientId,
      MATRIX_CLIENT_SECRET: harness.emulator.clientSecret,
    });
    const result = await run(command, commandArgs, { cwd: app, env, timeoutMs: CHILD_TIMEOUT_MS });
    const parsed = parseResult(result.stdout);
    if (parsed === undefined)
      return failed(
        label,
        started,
        describeRun(`${label}: ${[command, ...commandArgs].join(" ")}`, result),
      );
    const ok =
      result.code === 0 && parsed.steps.length === 4 && parsed.steps.every((step) => step.ok);
    return {
      runtime: label,
      version: parsed.version,
      ok,
      steps: parsed.steps,
      ms: Date.now() - started,
      ...(ok || parsed.steps.some((step) => !step.ok)
        ? {}
        : { problem: describeRun(`${label}`, result) }),
    };
  } finally {
    await harness.close();
  }
}
