/**
 * A resource request that the runtime's fetch follows through a redirect to another origin
 * reaches it without the bank token (fetch drops Authorization on a cross-origin hop): a 401
 * from there says nothing about the token. cybrid.fetch and cybrid.middleware hand it back as
 * is: they do not drop the token, mint a new one and replay, which would let whoever can
 * redirect a request of ours (an API endpoint that redirects to a file store, an open redirect)
 * cost the client a token request per call, up to the token endpoint's rate limit. With a fetch
 * of the user's, whose redirects cybrid-id follows itself (src/auth/redirects.ts), a redirect to
 * an origin the client refuses is not followed at all: its 3xx is handed back.
 */
import { createServer } from "node:http";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { clientFor, emulator } from "../helpers/client-harness.js";
import { loopbackServer as listen } from "../helpers/resource-server.js";

/** An API origin whose /ping redirects to another origin, which answers 401 to everything. */
async function redirectingApi() {
  const seenElsewhere: (string | undefined)[] = [];
  const elsewhere = await listen(
    createServer((request, response) => {
      seenElsewhere.push(request.headers.authorization);
      response.writeHead(401, { "content-type": "application/json" });
      response.end('{"error":"unauthorized"}');
    }),
  );
  const api = await listen(
    createServer((_, response) => {
      response.writeHead(302, { location: `${elsewhere}/file` });
      response.end();
    }),
  );
  return { api, elsewhere, seenElsewhere };
}

type PingPaths = {
  "/ping": { get: { responses: { 401: { content: { "application/json": unknown } } } } };
};

/** A fetch of the user's: the runtime's, wrapped (an instrumented fetch, say). */
const wrapped: typeof fetch = (input, init) => fetch(input, init);

describe("a 401 from the other end of a cross-origin redirect", () => {
  it("cybrid.fetch returns it, keeping its token: no token request per call", async () => {
    const emu = await emulator();
    const { api, seenElsewhere } = await redirectingApi();
    const cybrid = clientFor(emu, { apiOrigins: [api] });
    for (let i = 0; i < 3; i++) expect((await cybrid.fetch(`${api}/ping`)).status).toBe(401);
    expect(emu.count("/oauth/token")).toBe(1);
    expect(seenElsewhere).toEqual([undefined, undefined, undefined]);
  });

  it("cybrid.middleware does the same", async () => {
    const emu = await emulator();
    const { api, seenElsewhere } = await redirectingApi();
    const client = createClient<PingPaths>({ baseUrl: api });
    client.use(clientFor(emu, { apiOrigins: [api] }).middleware);
    for (let i = 0; i < 3; i++) expect((await client.GET("/ping")).response.status).toBe(401);
    expect(emu.count("/oauth/token")).toBe(1);
    expect(seenElsewhere).toEqual([undefined, undefined, undefined]);
  });
});

describe("the same redirect with a fetch of the user's", () => {
  it("cybrid.fetch hands back the 3xx, unfollowed: nothing sent there, the token kept", async () => {
    const emu = await emulator();
    const { api, elsewhere, seenElsewhere } = await redirectingApi();
    const cybrid = clientFor(emu, { apiOrigins: [api], fetch: wrapped });
    for (let i = 0; i < 3; i++) {
      const response = await cybrid.fetch(`${api}/ping`);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`${elsewhere}/file`);
    }
    expect(emu.count("/oauth/token")).toBe(1);
    expect(seenElsewhere).toEqual([]);
  });

  it("cybrid.middleware does the same", async () => {
    const emu = await emulator();
    const { api, seenElsewhere } = await redirectingApi();
    const client = createClient<PingPaths>({ baseUrl: api, fetch: wrapped });
    client.use(clientFor(emu, { apiOrigins: [api] }).middleware);
    for (let i = 0; i < 3; i++) expect((await client.GET("/ping")).response.status).toBe(302);
    expect(emu.count("/oauth/token")).toBe(1);
    expect(seenElsewhere).toEqual([]);
  });
});
