/**
 * bankSdkAccessToken with the REAL `@cybrid/cybrid-api-bank-typescript`: tokens from the
 * emulator (short lifetimes), the bank SDK's requests to a loopback stub of one bank endpoint.
 */
import { PostCustomerBankModelTypeEnum } from "@cybrid/cybrid-api-bank-typescript";
import { createServer } from "node:http";
import { inspect } from "node:util";
import type { AjaxError } from "rxjs/ajax";
import { firstValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { bankSdkAccessToken, NoUsableTokenError } from "../../src/bank-sdk/index.js";
import { ValidationError, BadRequestError, CybridIdError } from "../../src/index.js";
import { decodeJwtClaims } from "../../src/token/jwt.js";
import { clientFor, emulator, rejectionOf, sleep, thrownBy } from "../helpers/client-harness.js";
import { loopbackServer } from "../helpers/resource-server.js";
import { customersApi, listCustomers, startBankStub, type BankStub } from "./bank-stub.js";

/** A fetch that remembers every access token the emulator issued to the client. */
function recordingFetch(issued: Set<string>): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (new URL(response.url).pathname === "/oauth/token" && response.ok) {
      const body = (await response.clone().json()) as { access_token?: unknown };
      if (typeof body.access_token === "string") issued.add(body.access_token);
    }
    return response;
  };
}

async function withStub<T>(use: (stub: BankStub) => Promise<T>): Promise<T> {
  const stub = await startBankStub();
  try {
    return await use(stub);
  } finally {
    await stub.close();
  }
}

const CUSTOMER_SCOPES = ["customers:read", "customers:write"];

describe("bankSdkAccessToken with Cybrid's bank SDK", () => {
  it("sends Bearer <an issued token>, refreshed across expiries, never an expired one", async () => {
    const emu = await emulator({ tokenTtlSeconds: 4 });
    const issued = new Set<string>();
    const cybrid = clientFor(emu, { fetch: recordingFetch(issued) });
    const accessToken = await bankSdkAccessToken(cybrid, { scopes: CUSTOMER_SCOPES });
    try {
      await withStub(async (stub) => {
        const api = customersApi(stub.url, accessToken);
        const failures: unknown[] = [];
        // Two and a half lifetimes of calls, 50 ms apart. (The margin before expiry is the
        // client's skew, 10% of 4 s: a request delayed longer than that by a loaded machine
        // would arrive late, with this bridge as with any client.)
        const until = Date.now() + 10_000;
        while (Date.now() < until) {
          await listCustomers(api).catch((error: unknown) => failures.push(error));
          await sleep(50);
        }
        expect(failures).toEqual([]);
        expect(stub.calls.length).toBeGreaterThan(50);
        const tokens = new Set<string>();
        for (const { authorization, receivedAt } of stub.calls) {
          const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1] ?? "";
          expect(issued.has(token), `not issued by the emulator: ${authorization}`).toBe(true);
          const exp = decodeJwtClaims(token)?.exp;
          expect(typeof exp).toBe("number");
          // The stub's clock is the emulator's: the token had not expired when it arrived.
          expect(receivedAt).toBeLessThan((exp as number) * 1000);
          tokens.add(token);
        }
        // Refreshed: at least three tokens over the run.
        expect(tokens.size).toBeGreaterThanOrEqual(3);
      });
    } finally {
      accessToken.dispose();
    }
  }, 25_000);

  it("throws NoUsableTokenError synchronously for scopes no warm token covers", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const accessToken = await bankSdkAccessToken(cybrid, { scopes: ["customers:read"] });
    try {
      await withStub(async (stub) => {
        const api = customersApi(stub.url, accessToken);
        // createCustomer needs customers:execute: the SDK's call itself throws, nothing is sent.
        const caught = thrownBy(() =>
          api.createCustomer({
            postCustomerBankModel: { type: PostCustomerBankModelTypeEnum.Individual },
          }),
        );
        expect(caught).toBeInstanceOf(NoUsableTokenError);
        expect(caught).toBeInstanceOf(CybridIdError);
        expect(caught).toMatchObject({ code: "no_usable_token", scopes: ["customers:execute"] });
        expect((caught as Error).message).toMatch(/customers:execute.*bankSdkAccessToken/);
        expect(stub.calls).toEqual([]);
        // Neither the error nor the function shows a token, however it is printed.
        const bearer = accessToken("oauth2", ["customers:read"]).slice("Bearer ".length);
        for (const shown of [inspect(caught), JSON.stringify(caught), inspect(accessToken)])
          expect(shown).not.toContain(bearer);
        // The covered operation works, and an operation that names no scope takes any token.
        await listCustomers(api);
        expect(accessToken("oauth2", [])).toMatch(/^Bearer \S+$/);
        expect(emu.count("/oauth/token")).toBe(1);
      });
    } finally {
      accessToken.dispose();
    }
    expect(() => accessToken("oauth2", ["customers:read"])).toThrow(/disposed/);
  });

  it("several scope sets: one token each, each operation gets the token covering it", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const accessToken = await bankSdkAccessToken(cybrid, {
      scopes: [["customers:read"], ["trades:execute"]],
    });
    try {
      const customers = accessToken("oauth2", ["customers:read"]);
      const trades = accessToken("oauth2", ["trades:execute"]);
      expect(customers).not.toBe(trades);
      const scopeOf = (header: string) => decodeJwtClaims(header.slice("Bearer ".length))?.scope;
      expect(scopeOf(customers)).toBe("customers:read");
      expect(scopeOf(trades)).toBe("trades:execute");
      expect(emu.count("/oauth/token")).toBe(2);
    } finally {
      accessToken.dispose();
    }
  });

  it("throws NoUsableTokenError, with the refresh's error as cause, when the token ran out during an outage; recovers after it", async () => {
    const emu = await emulator({ tokenTtlSeconds: 2 });
    const cybrid = clientFor(emu, { maxRetries: 0 });
    const accessToken = await bankSdkAccessToken(cybrid, { scopes: CUSTOMER_SCOPES });
    try {
      emu.inject({ path: "/oauth/token", status: 400, example: "invalid_scope", times: Infinity });
      await sleep(2_100); // past the token's expiry
      const caught = thrownBy(() => accessToken("oauth2", ["customers:read"]));
      expect(caught).toBeInstanceOf(NoUsableTokenError);
      expect((caught as NoUsableTokenError).cause).toBeInstanceOf(BadRequestError);
      expect((caught as Error).message).toMatch(/past its usable life and its refresh failed/);
      emu.clearFaults();
      // The bridge tries again by itself (after a pause of at most 1 s): calls work again.
      await expect
        .poll(() => accessToken("oauth2", ["customers:read"]).startsWith("Bearer "), {
          timeout: 3_000,
          interval: 25,
        })
        .toBe(true);
    } finally {
      accessToken.dispose();
    }
  }, 15_000);

  it("cybrid.invalidate() reaches it: the dropped token is not sent again, its replacement is", async () => {
    const emu = await emulator();
    const issued = new Set<string>();
    const cybrid = clientFor(emu, { fetch: recordingFetch(issued) });
    const accessToken = await bankSdkAccessToken(cybrid, { scopes: CUSTOMER_SCOPES });
    try {
      await withStub(async (stub) => {
        const api = customersApi(stub.url, accessToken);
        await listCustomers(api);
        const dropped = stub.calls[0]!.authorization;
        cybrid.invalidate();
        // At once, synchronously: the operation throws rather than sending the dropped token.
        const caught = thrownBy(() => accessToken("oauth2", ["customers:read"]));
        expect(caught).toBeInstanceOf(NoUsableTokenError);
        expect((caught as Error).message).toMatch(/invalidated.*has not arrived yet/);
        // The bridge asked the client for the replacement by itself; calls work again with it.
        await expect
          .poll(() => accessToken("oauth2", ["customers:read"]).startsWith("Bearer "), {
            timeout: 3_000,
            interval: 10,
          })
          .toBe(true);
        await listCustomers(api);
        const sent = stub.calls.at(-1)!.authorization;
        expect(sent).not.toBe(dropped);
        expect(issued.has(sent!.slice("Bearer ".length))).toBe(true);
        expect(emu.count("/oauth/token")).toBe(2);
      });
    } finally {
      accessToken.dispose();
    }
  });

  it("a token the server rejected is dropped from it too (a 401 on the customer-token mint)", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    // The client's own scopes: the token the customer-token mint uses.
    const accessToken = await bankSdkAccessToken(cybrid);
    try {
      const rejected = accessToken("oauth2", []);
      emu.inject({ path: "/api/customer_tokens", status: 401, example: "expired_signature" });
      await cybrid.createCustomerToken({
        customerGuid: "c".repeat(32),
        scopes: ["customers:read"],
      });
      expect(emu.count("/oauth/token")).toBe(2);
      await expect
        .poll(() => accessToken("oauth2", []), { timeout: 3_000, interval: 10 })
        .toMatch(/^Bearer \S+$/);
      expect(accessToken("oauth2", [])).not.toBe(rejected);
      // The client's new token, not a third one.
      expect(emu.count("/oauth/token")).toBe(2);
    } finally {
      accessToken.dispose();
    }
  });

  it("the bank API's 401s to one token, handed to cybrid.invalidate(authorization), cost one token request", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { timeout: 10_000, deadline: 20_000 });
    const accessToken = await bankSdkAccessToken(cybrid, { scopes: CUSTOMER_SCOPES });
    // A bank endpoint that has stopped accepting the current token: its answers to the five
    // operations come 80 ms apart, each while the replacement is still on its way.
    const rejected = accessToken("oauth2", ["customers:read"]);
    const bank = await loopbackServer(
      createServer((request, response) => {
        const page = Number(new URL(request.url!, "http://x").searchParams.get("page"));
        setTimeout(() => {
          const status = request.headers.authorization === rejected ? 401 : 200;
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify({ total: 0, page, per_page: 10, objects: [] }));
        }, page * 80);
      }),
    );
    emu.inject({ path: "/oauth/token", delayMs: 500, times: Infinity });
    try {
      const api = customersApi(bank, accessToken);
      const operations = [0, 1, 2, 3, 4].map(async (page) => {
        try {
          await firstValueFrom(api.listCustomers({ page }));
        } catch (error) {
          // What the README says to do with the bank SDK's AjaxError.
          const { status, request } = error as AjaxError;
          if (status === 401) cybrid.invalidate(request.headers.authorization as string);
        }
      });
      await Promise.all(operations);
      await expect
        .poll(() => accessToken("oauth2", ["customers:read"]), { timeout: 5_000, interval: 10 })
        .toMatch(/^Bearer \S+$/);
      expect(accessToken("oauth2", ["customers:read"])).not.toBe(rejected);
      expect(emu.count("/oauth/token")).toBe(2); // the warm-up's, and one replacement
    } finally {
      accessToken.dispose();
    }
  });

  it("the warm-up rejects with the client's error; bad options are a ValidationError", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { maxRetries: 0 });
    emu.inject({ path: "/oauth/token", status: 400, example: "invalid_scope" });
    expect(
      await rejectionOf(bankSdkAccessToken(cybrid, { scopes: ["banks:execute"] })),
    ).toBeInstanceOf(BadRequestError);
    // A hole (a double comma) is no scope, nor a scope set (it would warm the client's scopes).
    const holes = [
      ["customers:read", , "trades:read"],
      [["customers:read"], , ["trades:read"]],
    ];
    for (const scopes of [[], [["customers:read"], "trades:read"], "customers:read", ...holes]) {
      const error = await rejectionOf(bankSdkAccessToken(cybrid, { scopes } as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe("invalid_configuration");
    }
    expect(await rejectionOf(bankSdkAccessToken({} as never))).toBeInstanceOf(ValidationError);
    expect(emu.count("/oauth/token")).toBe(1);
  });
});
