/**
 * Secrets never leave: runs the SDK through successes, every kind of failure and debug logs,
 * collects every error, log line and inspected object, and finds the client secret and the
 * issued access tokens in none of them.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createCybridId, type CybridId } from "../../src/index.js";
import { GUID, clientFor, emulator, rejectionOf } from "../helpers/client-harness.js";
import { recordingSink } from "../helpers/leak-watch.js";

describe("redaction", () => {
  it("no secret in errors, logs, inspect or JSON", async () => {
    const emu = await emulator();
    const { sink, lines } = recordingSink();
    const cybrid: CybridId = clientFor(emu, { logger: { level: "debug", sink } });
    const secrets = new Set([emu.clientSecret]);
    const outputs: string[] = [];
    const record = (value: unknown) => {
      outputs.push(
        inspect(value, { depth: 10, showHidden: true }),
        JSON.stringify(value) ?? "",
        String(value),
      );
    };

    const bank = await cybrid.getToken();
    secrets.add(bank.accessToken);
    const customer = await cybrid.createCustomerToken({
      customerGuid: GUID,
      scopes: ["accounts:read"],
    });
    secrets.add(customer.accessToken);

    // A server that echoes the secret and a token back in its error message.
    emu.inject({
      path: "/oauth/token",
      status: 400,
      body: {
        error: "invalid_request",
        error_description: `bad ${emu.clientSecret} ${bank.accessToken}`,
      },
    });
    emu.inject({
      path: "/api/customer_tokens",
      status: 502,
      body: `<p>Bearer ${bank.accessToken}</p>`,
      times: 3,
    });
    emu.inject({ path: "/oauth/token", hang: true });
    const failing = [
      () => cybrid.getToken({ scopes: ["accounts:read"] }),
      () => cybrid.createCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] }),
      () =>
        clientFor(emu, { timeout: 100, maxRetries: 0, logger: { level: "debug", sink } }).getToken({
          scopes: ["trades:read"],
        }),
      () => cybrid.createCustomerToken({ customerGuid: "short", scopes: ["accounts:read"] }),
      () =>
        clientFor(emu, {
          clientSecret: "wrong-secret-value",
          logger: { level: "debug", sink },
        }).getToken(),
    ];
    for (const run of failing) {
      const error = await rejectionOf(run());
      record(error);
      outputs.push(error.message, error.toString(), error.stack ?? "");
    }
    expect(() =>
      createCybridId({ baseUrl: "ftp://x", clientId: "id", clientSecret: emu.clientSecret }),
    ).toThrow();
    try {
      createCybridId({ baseUrl: "ftp://x", clientId: "id", clientSecret: emu.clientSecret });
    } catch (error) {
      record(error);
    }
    record(cybrid);
    outputs.push(...lines);

    expect(lines.length).toBeGreaterThan(3);
    expect(outputs.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      for (const output of outputs)
        expect(output.includes(secret), `leaked in: ${output.slice(0, 200)}`).toBe(false);
    }
    expect(inspect(cybrid)).toContain(emu.clientId);
  });
});
