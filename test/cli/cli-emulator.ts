/**
 * One emulator per CLI test file, in the test process, with a long client secret that every
 * test checks never reaches the CLI's stdout or stderr.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import type { Result } from "./run-cli.js";

export const CLIENT_ID = "cli-test-client";
export const SECRET = "8f2a91c7d3e4-cli-secret";
export const GUID = "0123456789abcdef0123456789abcdef";

/** Starts an emulator for the file; `emu()` is it, `env()` the CLI environment pointing at it. */
export function useEmulator() {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ clients: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
  });
  afterEach(() => {
    emulator?.clearFaults();
    emulator?.resetLog();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const emu = (): Emulator => {
    if (emulator === undefined) throw new Error("emulator not started");
    return emulator;
  };
  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    CYBRID_ID_URL: emu().url,
    CYBRID_CLIENT_ID: CLIENT_ID,
    CYBRID_CLIENT_SECRET: SECRET,
    ...overrides,
  });
  return { emu, env };
}

/** The promise the CLI makes on every path: the secret is never printed. */
export function expectNoSecret(result: Result): void {
  expect(result.stdout).not.toContain(SECRET);
  expect(result.stderr).not.toContain(SECRET);
}

/** Non-empty stderr lines, without Node's own warnings (experimental loaders and such). */
export function stderrLines(result: Result): string[] {
  return result.stderr
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\(node:\d+\)|--trace-warnings/.test(line));
}
