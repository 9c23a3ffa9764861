/** A call whose signal is already aborted sends nothing and leaves nothing to fail unhandled. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("an already-aborted signal on a cold cache", () => {
  it("rejects with the signal's reason, sends nothing, and the process exits cleanly", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "--unhandled-rejections=strict", "test/fixtures/aborted-cold-cache.ts"],
      { encoding: "utf8", timeout: 15_000 },
    );
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      reasons: ["reason", "reason", "reason", "reason"],
      requests: 0,
    });
    expect(result.status).toBe(0);
  });
});
