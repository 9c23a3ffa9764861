import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("a process using the bank-SDK bridge", () => {
  it("exits promptly without dispose(): the refresh timer never holds it", () => {
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--unhandled-rejections=strict",
        "test/fixtures/bank-sdk-exit-promptly.ts",
      ],
      { encoding: "utf8", timeout: 15_000 },
    );
    expect(result.stderr).toBe("");
    const [word, doneAt] = result.stdout.trim().split(" ");
    expect(word).toBe("done");
    expect(result.status).toBe(0);
    // From the end of the work to the exit: no timer, socket or request left holding it (the
    // refresh timer is due in minutes; the margin is for a loaded machine).
    expect(Date.now() - Number(doneAt)).toBeLessThan(5_000);
  });
});
