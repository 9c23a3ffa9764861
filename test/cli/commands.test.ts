/**
 * `cybrid-id token` and `customer-token` against an emulator, plus help and version: the happy
 * paths of the real binary, from source and (when built) from dist/.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeJwtClaims } from "../../src/token/jwt.js";
import { CLIENT_ID, expectNoSecret, GUID, useEmulator } from "./cli-emulator.js";
import { ROOT, runCli, VARIANTS } from "./run-cli.js";

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const version = (JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { version: string })
  .version;

describe.each(VARIANTS)("cybrid-id commands, $name", (variant) => {
  const { emu, env } = useEmulator();

  it.skipIf(!variant.available)(
    "--help lists every command; --version prints the version",
    async () => {
      const help = await runCli(variant, ["--help"]);
      expect(help.code).toBe(0);
      for (const name of ["token", "customer-token", "decode", "serve"])
        expect(help.stdout).toContain(name);
      expect(help.stdout).toContain("CYBRID_CLIENT_SECRET");
      const shown = await runCli(variant, ["--version"]);
      expect(shown.code).toBe(0);
      expect(shown.stdout.trim()).toBe(version);
    },
  );

  it.skipIf(!variant.available)(
    "every command has its own --help, exit 0, no request",
    async () => {
      for (const name of ["token", "customer-token", "decode", "serve"]) {
        const result = await runCli(variant, [name, "--help"], { env: env() });
        expect(result.code, name).toBe(0);
        expect(result.stdout).toContain(`Usage: cybrid-id ${name}`);
        expect(result.stdout).toContain("--verbose");
      }
      expect(emu().count()).toBe(0);
    },
  );

  it.skipIf(!variant.available)(
    "-h grouped with another short flag (-vh) is help too, never a run",
    async () => {
      for (const name of ["token", "customer-token", "decode", "serve"]) {
        const result = await runCli(variant, [name, "-vh"], { env: env(), timeoutMs: 5_000 });
        expect(result.code, name).toBe(0);
        expect(result.stdout).toContain(`Usage: cybrid-id ${name}`);
      }
      expect(emu().count()).toBe(0);
    },
  );

  it.skipIf(!variant.available)("token prints the bare access token, one request", async () => {
    const result = await runCli(variant, ["token"], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(JWT);
    expect(result.stderr).toBe("");
    expect(decodeJwtClaims(result.stdout.trim())?.sub).toBe(CLIENT_ID);
    expect(emu().count("/oauth/token")).toBe(1);
    expectNoSecret(result);
  });

  it.skipIf(!variant.available)(
    "token --scopes (comma or space) --json: ISO expiry and seconds left",
    async () => {
      const result = await runCli(
        variant,
        ["token", "--scopes", "customers:read, accounts:read", "--json"],
        {
          env: env(),
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const token = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(token.accessToken).toMatch(JWT);
      expect(token.tokenType).toBe("Bearer");
      expect(token.scopes).toEqual(["customers:read", "accounts:read"]);
      expect(new Date(token.expiresAt as string).toISOString()).toBe(token.expiresAt);
      expect(token.expiresIn).toBeGreaterThan(1790);
      expect(token.expiresIn).toBeLessThanOrEqual(1800);
      expect((emu().requests[0]?.body as { scope?: string }).scope).toBe(
        "customers:read accounts:read",
      );
      expectNoSecret(result);
    },
  );

  it.skipIf(!variant.available)("flags win over the environment", async () => {
    const result = await runCli(
      variant,
      [
        "token",
        "--base-url",
        emu().url,
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        env().CYBRID_CLIENT_SECRET ?? "",
      ],
      { env: { CYBRID_ID_URL: "http://127.0.0.1:1", CYBRID_CLIENT_ID: "someone-else" } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(emu().count("/oauth/token")).toBe(1);
    expectNoSecret(result);
  });

  it.skipIf(!variant.available)("customer-token mints a JWT for the customer", async () => {
    const result = await runCli(
      variant,
      ["customer-token", "--customer", GUID, "--scopes", "accounts:read trades:execute"],
      {
        env: env(),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const claims = decodeJwtClaims(result.stdout.trim());
    expect(claims?.sub).toBe(GUID);
    expect(claims?.sub_type).toBe("customer");
    expect(emu().count("/oauth/token")).toBe(1);
    expect(emu().count("/api/customer_tokens")).toBe(1);
    expect(emu().requests[1]?.body).toEqual({
      customer_guid: GUID,
      scopes: ["accounts:read", "trades:execute"],
    });
    expectNoSecret(result);
  });

  it.skipIf(!variant.available)("customer-token --json", async () => {
    const result = await runCli(
      variant,
      ["customer-token", "-c", GUID, "-s", "accounts:read,prices:read", "--json"],
      {
        env: env(),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const token = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(token).toMatchObject({
      tokenType: "Bearer",
      customerGuid: GUID,
      scopes: ["accounts:read", "prices:read"],
    });
    expect(token.expiresIn).toBeGreaterThan(1790);
    expectNoSecret(result);
  });

  it.skipIf(!variant.available)(
    "--verbose narrates requests and cache decisions on stderr only",
    async () => {
      const result = await runCli(
        variant,
        ["customer-token", "-c", GUID, "-s", "accounts:read", "--verbose"],
        {
          env: env(),
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toMatch(JWT);
      expect(result.stderr).toContain(`-> POST ${emu().url}/oauth/token`);
      expect(result.stderr).toMatch(/<- 200 POST .*\/oauth\/token .*requestId: /);
      expect(result.stderr).toMatch(/<- 201 POST .*\/api\/customer_tokens/);
      expect(result.stderr).toContain("cache miss: fetched a bank token");
      expect(result.stderr).toContain("cache miss: fetched a customer token");
      expectNoSecret(result);
    },
  );

  it.skipIf(!variant.available)(
    "-v / --verbose before the command, as the top-level help lists it, applies to the command",
    async () => {
      const help = await runCli(variant, ["--help"]);
      expect(help.stdout).toMatch(/-v, --verbose/);
      for (const flag of ["-v", "--verbose"]) {
        const result = await runCli(variant, [flag, "token"], { env: env() });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout.trim()).toMatch(JWT);
        expect(result.stderr).toContain(`-> POST ${emu().url}/oauth/token`);
        expect(result.stderr).toContain("cache miss: fetched a bank token");
        expectNoSecret(result);
      }
    },
  );

  it.skipIf(!variant.available)(
    "--verbose: a fetch's time counts its retries and their waits (Retry-After: 1)",
    async () => {
      for (const path of ["/oauth/token", "/api/customer_tokens"])
        emu().inject({ path, status: 503, headers: { "retry-after": "1" } });
      const result = await runCli(
        variant,
        ["customer-token", "-c", GUID, "-s", "accounts:read", "--verbose"],
        { env: env() },
      );
      expect(result.code, result.stderr).toBe(0);
      for (const kind of ["bank", "customer"]) {
        // Over a second, in whole seconds (formatDuration): not the last attempt's round trip.
        expect(result.stderr).toMatch(
          new RegExp(`fetched a ${kind} token .*; 2 attempt\\(s\\) in \\d+ s\\)`),
        );
      }
    },
  );
});
