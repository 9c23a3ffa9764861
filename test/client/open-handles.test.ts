import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the process", () => {
  it("exits promptly after use: no open handle, no unhandled rejection", () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "--unhandled-rejections=strict", "test/fixtures/exit-promptly.ts"],
      { encoding: "utf8", timeout: 15_000 },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("done");
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(7_000);
  });
});
