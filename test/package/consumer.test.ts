/**
 * scripts/consumer-test.ts as part of `npm test`: the PACKED package, installed into a project
 * outside the repo, imported, required, type-checked (node16 and bundler) and run as a binary.
 * It builds in a staging copy (the repo's dist/ is left alone: other tests read it in
 * parallel), so it runs in CI, where dist/ does not exist. When this machine cannot build or
 * install (no node_modules, npm's cache lacking a dependency and the registry unreachable: the
 * script's exit 77) the test is SKIPPED, loudly.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_CANNOT_RUN, ROOT } from "../../scripts/matrix/package.js";

function runConsumerTest(): Promise<{ code: number | null; output: string }> {
  const tsx = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
  const child = spawn(process.execPath, [tsx, "scripts/consumer-test.ts"], { cwd: ROOT });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`consumer test did not finish in 5 minutes\n${output}`));
    }, 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("the packed package, as a consumer installs it", () => {
  it("builds, packs, installs outside the repo, imports, requires, type-checks, runs the bin", async (context) => {
    const { code, output } = await runConsumerTest();
    if (code === EXIT_CANNOT_RUN) {
      console.warn(
        `\n*** test/package/consumer: this machine cannot build or install the package, SKIPPED ***\n${output}\n`,
      );
      context.skip();
      return;
    }
    // The size and the checks, in the test log, pass or fail.
    console.log(
      output
        .split("\n")
        .filter((line) => /tarball:|install:|ok {4}|FAIL|passed/.test(line))
        .join("\n"),
    );
    expect(code, output).toBe(0);
    expect(output).toMatch(/\b\d+ passed, 0 failed\b/);
  }, 360_000);
});
