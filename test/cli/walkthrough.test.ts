/**
 * `npm start`'s last step, scripts/walkthrough.mjs, run as a child process: it imports the
 * BUILT package by name, so it needs dist/ (`npm run build`); without it the test is skipped,
 * loudly.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "./run-cli.js";

const BUILT = existsSync(`${ROOT}dist/index.js`) && existsSync(`${ROOT}dist/emulator.js`);
if (!BUILT)
  console.warn(
    "\n*** test/cli/walkthrough: dist/ is absent, SKIPPED. Run `npm run build` first. ***\n",
  );

function run(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["scripts/walkthrough.mjs"], { cwd: ROOT });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    // It must exit by itself: a handle left open (the emulator, a timer) is a failure.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`walkthrough did not exit\n${stdout}\n${stderr}`));
    }, 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm start walkthrough", () => {
  it.skipIf(!BUILT)("exits 0 and shows cache, customer token, retry, validation, 401", async () => {
    const { code, stdout, stderr } = await run();
    expect(code, stderr).toBe(0);
    expect(stderr).toBe("");
    // A reader can open the code that produced what they read.
    expect(stdout).toContain("scripts/walkthrough.mjs");
    for (const line of [
      "emulator log: 1 POST /oauth/token",
      "hooks: 1 bank token fetched, 2 served from cache",
      "sub_type=customer",
      "still 1 POST /oauth/token (bank token reused)",
      "retry 1 of POST /oauth/token after 503 service_unavailable, waiting 1000 ms",
      "2 POST /oauth/token (503, then 200)",
      "ValidationError (code validation_error, 0 attempts): customerGuid",
      "emulator log: 0 new requests",
      "AuthenticationError: status 401, code invalid_client, requestId ",
      "AuthenticationError: status 401, code invalid_subject, requestId ",
      "Done: every step behaved as documented.",
      "Emulator closed; nothing left running.",
    ])
      expect(stdout).toContain(line);
    expect(stdout).not.toContain("not-real-secret");
  });
});
