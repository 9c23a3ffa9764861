/**
 * What the CLI must not leak through its own flags: a secret on the command line gets a
 * warning (it is visible in `ps`), and `decode --verbose` does not echo the token it decodes.
 */
import { describe, expect, it } from "vitest";
import { CLIENT_ID, expectNoSecret, SECRET, stderrLines, useEmulator } from "./cli-emulator.js";
import { runCli, VARIANTS } from "./run-cli.js";

const WARNING =
  "cybrid-id: warning: --client-secret on the command line is visible in ps; prefer CYBRID_CLIENT_SECRET";

describe.each(VARIANTS)("cybrid-id secret hygiene, $name", (variant) => {
  const { emu } = useEmulator();

  it.skipIf(!variant.available)(
    "--client-secret on the command line: one warning on stderr, never the secret",
    async () => {
      const args = ["token", "--base-url", emu().url, "--client-id", CLIENT_ID];
      const result = await runCli(variant, [...args, "--client-secret", SECRET]);
      expect(result.code, result.stderr).toBe(0);
      expect(stderrLines(result)).toEqual([WARNING]);
      expectNoSecret(result);
      // From the environment: no warning.
      const quiet = await runCli(variant, args, { env: { CYBRID_CLIENT_SECRET: SECRET } });
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(stderrLines(quiet)).toEqual([]);
    },
  );

  it.skipIf(!variant.available)("decode --verbose does not echo the token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = emu().signJwt({ sub: "abc", iat: now, exp: now + 600 });
    const result = await runCli(variant, ["decode", "--verbose", jwt]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`decoding ${jwt.length} characters`);
    const [, payload, signature] = jwt.split(".");
    for (const part of [jwt, payload!, signature!]) expect(result.stderr).not.toContain(part);
  });
});
