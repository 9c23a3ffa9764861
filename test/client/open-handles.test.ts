import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { emulator } from "../helpers/client-harness.js";

describe("the process", () => {
  it("exits promptly after use: no open handle, no unhandled rejection", () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "--unhandled-rejections=strict", "test/fixtures/exit-promptly.ts"],
      { encoding: "utf8", timeout: 25_000 },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("done");
    expect(result.status).toBe(0);
    // About 9 s of token life; a refresh holding the process would add its 5 s wait.
    expect(Date.now() - started).toBeLessThan(12_500);
  }, 30_000);

  it("stays alive while a caller waits for a background refresh (the token ran out meanwhile)", async () => {
    const emu = await emulator({ tokenTtlSeconds: 10 });
    // The first request is answered as usual; the refresh's first attempt gets a 503 and a wait.
    emu.inject({ path: "/oauth/token" });
    emu.inject({ path: "/oauth/token", status: 503, headers: { "retry-after-ms": "1500" } });
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--unhandled-rejections=strict", "test/fixtures/joined-refresh.ts"],
      {
        env: {
          ...process.env,
          CYBRID_ID_URL: emu.url,
          CYBRID_CLIENT_ID: emu.clientId,
          CYBRID_CLIENT_SECRET: emu.clientSecret,
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const status = await new Promise((resolve) => child.on("close", resolve));
    expect({ status, stdout: stdout.trim(), stderr }).toEqual({
      status: 0,
      stdout: "renewed",
      stderr: "",
    });
    expect(emu.requests.filter((r) => r.path === "/oauth/token").map((r) => r.status)).toEqual([
      200, 503, 200,
    ]);
  }, 30_000);
});
