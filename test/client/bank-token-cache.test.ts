/**
 * The client-credentials cache holds one token per scope set; scope sets may come from users,
 * so it is bounded (`bankTokenCacheSize`), least recently used out first.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCybridId, type CybridIdOptions } from "../../src/index.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections())),
  );
});

/** A token endpoint that grants any scope (the emulator knows only the spec's): counts requests. */
async function anyScopeServer() {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume().on("end", () => {
      requests++;
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ access_token: randomUUID(), token_type: "Bearer", expires_in: 3600 }),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests: () => requests };
}

async function fill(size: number | undefined, sets: number) {
  const server = await anyScopeServer();
  const options: CybridIdOptions = {
    baseUrl: server.url,
    clientId: "client",
    clientSecret: "a-long-enough-secret",
    logger: "silent",
    scopes: ["accounts:read"],
  };
  if (size !== undefined) options.bankTokenCacheSize = size;
  const cybrid = createCybridId(options);
  await cybrid.getToken(); // the default scopes
  // Well-formed scopes have no digits: `a_b:read`, `a_bb:read`... one distinct scope per set.
  const name = (i: number) =>
    i.toString(26).replace(/./g, (d) => "abcdefghijklmnopqrstuvwxyz"[parseInt(d, 26)]!);
  const scopeSets = Array.from({ length: sets }, (_, i) => [`s_${name(i)}:read`, "prices:read"]);
  // In batches: each call creates its slot synchronously, so the LRU order is the call order.
  for (let i = 0; i < sets; i += 100)
    await Promise.all(scopeSets.slice(i, i + 100).map((scopes) => cybrid.getToken({ scopes })));
  expect(server.requests()).toBe(sets + 1);
  return { cybrid, server, scopeSets };
}

describe("the bank-token cache", () => {
  it.each([
    ["by default", undefined, 100, 3_000],
    ["with bankTokenCacheSize", 10, 10, 50],
  ])(
    "%s keeps the latest scope sets, no more",
    { timeout: 60_000 },
    async (_, size, kept, sets) => {
      const { cybrid, server, scopeSets } = await fill(size, sets);
      // The newest `kept` sets, newest first: all cached (reading them evicts nothing).
      for (const scopes of scopeSets.slice(-kept).reverse()) await cybrid.getToken({ scopes });
      expect(server.requests()).toBe(sets + 1);
      // The one before them was evicted: a new request.
      await cybrid.getToken({ scopes: scopeSets[sets - kept - 1]! });
      expect(server.requests()).toBe(sets + 2);
      // The default scopes' token is never evicted.
      await cybrid.getToken();
      await cybrid.getToken({ scopes: ["accounts:read"] });
      expect(server.requests()).toBe(sets + 2);
    },
  );
});
