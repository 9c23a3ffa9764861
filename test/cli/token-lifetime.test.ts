/** `cybrid-id token --json` with absurd lifetimes from the server: a valid expiry, exit 0. */
import { describe, expect, it } from "vitest";
import { useEmulator } from "./cli-emulator.js";
import { runCli, VARIANTS } from "./run-cli.js";

const [source] = VARIANTS;

describe("cybrid-id token --json", () => {
  const { emu, env } = useEmulator();

  it.each([
    ["expires_in 1e13", { access_token: "opaque-token", token_type: "Bearer", expires_in: 1e13 }],
    ["a JWT exp of 1e15", "jwt"],
  ])("%s: an ISO expiry at most a year away", async (_, body) => {
    const access_token = emu().signJwt({ sub: "cli-test-client", exp: 1e15 });
    emu().inject({
      path: "/oauth/token",
      status: 200,
      body: body === "jwt" ? { access_token, token_type: "Bearer" } : body,
    });
    const result = await runCli(source!, ["token", "--json"], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { expiresAt: string; expiresIn: number };
    expect(Date.parse(printed.expiresAt)).toBeLessThanOrEqual(Date.now() + 366 * 86_400_000);
    expect(printed.expiresIn).toBeGreaterThan(364 * 86_400);
  });
});
