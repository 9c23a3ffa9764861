/** `cybrid-id decode` of emulator-minted JWTs: live and expired, as argument and on stdin. */
import { describe, expect, it } from "vitest";
import { useEmulator } from "./cli-emulator.js";
import { runCli, VARIANTS } from "./run-cli.js";

describe.each(VARIANTS)("cybrid-id decode, $name", (variant) => {
  const { emu } = useEmulator();
  const now = () => Math.floor(Date.now() / 1000);

  it.skipIf(!variant.available)(
    "a live token: header, claims, time left, NOT verified",
    async () => {
      const jwt = emu().signJwt({ sub: "abc", sub_type: "bank", iat: now(), exp: now() + 600 });
      const result = await runCli(variant, ["decode", jwt]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('"alg": "RS256"');
      expect(result.stdout).toContain('"sub_type": "bank"');
      expect(result.stdout).toMatch(/Expires: +\d{4}-\d\d-\d\dT.*Z \(in (10 min|9 min \d+ s)\)/);
      expect(result.stdout).toMatch(/Signature: +NOT verified/);
    },
  );

  it.skipIf(!variant.available)(
    "an expired token on stdin (with a Bearer prefix): expired N ago",
    async () => {
      const jwt = emu().signJwt({ sub: "abc", iat: now() - 3600, exp: now() - 185 });
      for (const args of [["decode", "-"], ["decode"]]) {
        const result = await runCli(variant, args, { input: `Bearer ${jwt}\n` });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toMatch(/Expires: .*\(expired 3 min \d+ s ago\)/);
        expect(result.stdout).toMatch(/Issued: .*\(1 h( \d+ min)? ago\)/);
        expect(result.stdout).toContain("NOT verified");
      }
    },
  );

  it.skipIf(!variant.available)("--json", async () => {
    const jwt = emu().signJwt({ sub: "abc", exp: now() - 10 });
    const result = await runCli(variant, ["decode", jwt, "--json"]);
    expect(result.code).toBe(0);
    const decoded = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(decoded).toMatchObject({
      claims: { sub: "abc" },
      expired: true,
      signatureVerified: false,
    });
    expect(decoded.header).toMatchObject({ alg: "RS256" });
    expect(decoded.secondsLeft).toBeLessThan(0);
  });

  it.skipIf(!variant.available)(
    "a date claim past the range of dates is decoded (exit 0), not a crash",
    async () => {
      const jwt = emu().signJwt({ sub: "abc", iat: 1e300, exp: 1e16 });
      const text = await runCli(variant, ["decode", jwt]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/Expires: +unknown \(exp is not a date\)/);
      const json = await runCli(variant, ["decode", jwt, "--json"]);
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ expiresAt: null, expired: null });
    },
  );

  it.skipIf(!variant.available)("not a JWT: exit 2", async () => {
    for (const input of ["hello", "a.b.c", ""]) {
      const result = await runCli(variant, ["decode"], { input });
      expect(result.code, input).toBe(2);
      expect(result.stderr).toMatch(/not a JWT|no token/);
    }
  });
});
