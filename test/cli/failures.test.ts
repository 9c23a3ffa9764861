/**
 * Exit statuses of the real binary: 1 for an API or network failure with ONE clear stderr
 * line, 2 for usage and validation errors found before any request. And whatever happens, the
 * client secret is never printed, --verbose included.
 */
import { describe, expect, it } from "vitest";
import { basicCredentials } from "../../src/token/basic-credentials.js";
import {
  CLIENT_ID,
  expectNoSecret,
  GUID,
  SECRET,
  stderrLines,
  useEmulator,
} from "./cli-emulator.js";
import { runCli, VARIANTS } from "./run-cli.js";

describe.each(VARIANTS)("cybrid-id failures, $name", (variant) => {
  const { emu, env } = useEmulator();

  it.skipIf(!variant.available)(
    "wrong secret: exit 1, one line with status, code and request id",
    async () => {
      const result = await runCli(variant, ["token"], {
        env: env({ CYBRID_CLIENT_SECRET: `${SECRET}-wrong` }),
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      const lines = stderrLines(result);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^cybrid-id token: .*401 invalid_client: Client authentication failed/,
      );
      // The X-Request-Id the emulator answered with (its log keeps requests, not responses).
      expect(lines[0]).toMatch(/request ?id:? [0-9a-f-]{36}/i);
      expect(result.stderr).not.toContain(`${SECRET}-wrong`);
      expectNoSecret(result);
    },
  );

  it.skipIf(!variant.available)(
    "503 every time, --verbose: the retries are logged, then exit 1",
    async () => {
      emu().inject({ path: "/oauth/token", status: 503, times: Infinity });
      const result = await runCli(variant, ["token", "--verbose"], { env: env() });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(emu().count("/oauth/token")).toBe(3); // the SDK's default: 2 retries
      expect(result.stderr).toMatch(/retry 1 of POST \/oauth\/token in .* \(after 503/);
      expect(result.stderr).toMatch(/retry 2 of POST \/oauth\/token/);
      expect(result.stderr.match(/<- 503 POST/g)).toHaveLength(3);
      const last = stderrLines(result).at(-1) ?? "";
      expect(last).toMatch(/^cybrid-id token: .*503/);
      expect(last).toContain("attempts: 3");
      expectNoSecret(result);
    },
  );

  it.skipIf(!variant.available)(
    "customer-token with the wrong secret --verbose never prints it",
    async () => {
      const result = await runCli(
        variant,
        ["customer-token", "-c", GUID, "-s", "accounts:read", "-v"],
        {
          env: env(),
          // the secret also on the command line: still never echoed
        },
      );
      expect(result.code).toBe(0);
      const wrong = await runCli(
        variant,
        [
          "customer-token",
          "-c",
          GUID,
          "-s",
          "accounts:read",
          "-v",
          "--client-secret",
          `${SECRET}-x`,
        ],
        { env: env() },
      );
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).not.toContain(`${SECRET}-x`);
      expectNoSecret(result);
      expectNoSecret(wrong);
    },
  );

  it.skipIf(!variant.available)(
    "a long error echoing the secret across the cut and as Basic credentials: one short line",
    async () => {
      const echoed = `${"d".repeat(495)}${SECRET} and ${basicCredentials(CLIENT_ID, SECRET)}`;
      emu().inject({
        path: "/oauth/token",
        status: 400,
        body: { error: "invalid_request", error_description: `${echoed}${"x".repeat(60_000)}` },
      });
      const result = await runCli(variant, ["token", "--verbose"], { env: env() });
      expect(result.code).toBe(1);
      const last = stderrLines(result).at(-1) ?? "";
      expect(last).toMatch(/^cybrid-id token: .*400 invalid_request: d+\[reda…/);
      expect(result.stderr.length).toBeLessThan(5000);
      expectNoSecret(result); // and the leak watch looks for every 8-character fragment
    },
    60_000,
  );

  it.skipIf(!variant.available)(
    "a client secret under 8 characters: exit 2, no request",
    async () => {
      const result = await runCli(variant, ["token"], {
        env: env({ CYBRID_CLIENT_SECRET: "Zq9x7P2" }),
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("clientSecret must be at least 8 characters");
      expect(result.stderr).not.toContain("Zq9x7P2");
      expect(emu().count()).toBe(0);
    },
  );

  it.skipIf(!variant.available)(
    "unreachable server: exit 1, one line that names the host it could not reach",
    async () => {
      const result = await runCli(variant, ["token"], {
        env: env({ CYBRID_ID_URL: "http://127.0.0.1:9" }),
      });
      expect(result.code).toBe(1);
      const lines = stderrLines(result);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^cybrid-id token: connection_failed: .*\(attempts: 3, host: 127\.0\.0\.1:9\)$/,
      );
    },
  );

  it.skipIf(!variant.available)(
    "a mistyped flag: exit 2, the nearest flag suggested, one prefix on every line",
    async () => {
      const result = await runCli(variant, ["token", "--scope", "accounts:read"], { env: env() });
      expect(result.code).toBe(2);
      const lines = stderrLines(result);
      expect(lines[0]).toBe("cybrid-id token: Unknown option '--scope': did you mean --scopes?");
      const unknown = await runCli(variant, ["tokn"], { env: env() });
      expect(stderrLines(unknown)[0]).toMatch(/^cybrid-id: unknown command "tokn"/);
      const helpUnknown = await runCli(variant, ["help", "tokn"], { env: env() });
      expect(stderrLines(helpUnknown)[0]).toMatch(/^cybrid-id: unknown command "tokn"/);
      const far = await runCli(variant, ["token", "--colour"], { env: env() });
      expect(stderrLines(far)[0]).toBe("cybrid-id token: Unknown option '--colour'");
    },
  );

  it.skipIf(!variant.available)("bad guid: exit 2, before any request", async () => {
    const result = await runCli(
      variant,
      ["customer-token", "--customer", "not-a-guid", "--scopes", "accounts:read"],
      {
        env: env(),
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid input: customerGuid");
    expect(emu().count()).toBe(0);
    expectNoSecret(result);
  });

  it.skipIf(!variant.available)("usage errors: exit 2 with a hint, no request", async () => {
    const cases: string[][] = [
      ["token", "--bogus"],
      ["token", "--scopes", " , "],
      ["customer-token", "--scopes", "accounts:read"],
      ["customer-token", "--customer", GUID],
      ["frobnicate"],
      ["decode", "a", "b"],
      ["serve", "--port", "70000"],
      ["help", "bogus"],
      [],
    ];
    for (const args of cases) {
      const result = await runCli(variant, args, { env: env() });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stdout, args.join(" ")).toBe("");
      expect(result.stderr, args.join(" ")).toMatch(/--help|Usage:/);
    }
    expect(emu().count()).toBe(0);
  });

  it.skipIf(!variant.available)(
    "missing credentials: exit 2 naming the variable to set",
    async () => {
      const noId = await runCli(variant, ["token"], { env: { CYBRID_ID_URL: emu().url } });
      expect(noId.code).toBe(2);
      expect(noId.stderr).toContain("CYBRID_CLIENT_ID");
      const noSecret = await runCli(variant, ["token", "--client-id", "x"], {
        env: { CYBRID_ID_URL: emu().url },
      });
      expect(noSecret.code).toBe(2);
      expect(noSecret.stderr).toContain("CYBRID_CLIENT_SECRET");
      const plainHttp = await runCli(variant, ["token", "--base-url", "http://example.com"], {
        env: env(),
      });
      expect(plainHttp.code).toBe(2);
      expect(plainHttp.stderr).toContain("https");
      expect(emu().count()).toBe(0);
    },
  );

  it.skipIf(!variant.available)(
    "a base URL with userinfo: exit 2, never printed, --verbose included",
    async () => {
      const withUserinfo = emu().url.replace("http://", "http://alice:hunter2@");
      const runs = [
        ["token", "--base-url", withUserinfo],
        ["token", "--base-url", withUserinfo, "--verbose"],
        ["customer-token", "-c", GUID, "-s", "accounts:read", "-v", "--base-url", withUserinfo],
      ].map((args) => runCli(variant, args, { env: env() }));
      runs.push(runCli(variant, ["token", "-v"], { env: env({ CYBRID_ID_URL: withUserinfo }) }));
      for (const result of await Promise.all(runs)) {
        expect(result.code).toBe(2);
        expect(result.stderr).toContain("baseUrl must not contain credentials");
        expect(`${result.stdout}${result.stderr}`).not.toMatch(/alice|hunter2/);
        expectNoSecret(result);
      }
      expect(emu().count()).toBe(0);
    },
  );
});
