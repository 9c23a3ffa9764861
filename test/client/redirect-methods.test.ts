/**
 * The redirects cybrid.fetch and cybrid.middleware follow themselves (to an API origin) are
 * followed by fetch's rules for the method and the body: a 303 makes a GET without the body
 * (and without its Content-Type), so does a 301 or 302 after a POST; a 307 or 308 sends the
 * same method and body again. They do so for a fetch of the user's (here a wrapper of the
 * runtime's fetch); the oracle is the runtime's fetch itself, following the same same-origin
 * redirect: what the target receives must be what it receives from fetch, plus the token. A
 * streamed body cannot be sent twice: its 307 is handed back, its 303 followed.
 */
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { CybridId } from "../../src/index.js";
import { clientFor, emulator } from "../helpers/client-harness.js";
import { hopServer, type HopRequest, type HopServer } from "../helpers/hop-server.js";

const BODY = JSON.stringify({ customer_guid: "0123456789abcdef0123456789abcdef" });
const HEADERS = { "content-type": "application/json" };

/** A fetch of the user's: the runtime's, wrapped (an instrumented fetch, say). */
const wrapped: typeof fetch = (input, init) => fetch(input, init);

/** What the redirect's target received: method, body, Content-Type. */
const received = ({ method, body, contentType }: HopRequest) => ({ method, body, contentType });

/** What `/end` of a fresh server receives when `send` follows `/start`'s `status` redirect. */
async function atTarget(
  status: number,
  send: (api: HopServer) => Promise<unknown>,
): Promise<HopRequest> {
  const api = await hopServer();
  api.route("/start", { status, location: "/end" });
  await send(api);
  expect(api.requests.map((r) => r.path)).toEqual(["/start", "/end"]);
  return api.requests[1] as HopRequest;
}

/** The middleware's request of `method` with the JSON body, through openapi-fetch. */
function throughMiddleware(cybrid: CybridId, api: HopServer, method: string) {
  const client = createClient({ baseUrl: api.origin, fetch: wrapped });
  client.use(cybrid.middleware);
  return (client.request as (m: string, p: string, i: object) => Promise<unknown>)(
    method.toLowerCase(),
    "/start",
    { body: JSON.parse(BODY) },
  );
}

const CASES = [301, 302, 303, 307, 308].flatMap((status) =>
  ["POST", "PUT"].map((method) => [status, method] as const),
);

describe.each(CASES)("a %i redirect of a %s with a body", (status, method) => {
  it("cybrid.fetch and cybrid.middleware send the target what fetch sends it, with the token", async () => {
    const emu = await emulator();
    const init = { method, headers: HEADERS, body: BODY };
    const byFetch = await atTarget(status, (api) => fetch(`${api.origin}/start`, init));
    expect(byFetch.authorization).toBeUndefined();
    expect(byFetch.body).toBe(byFetch.method === "GET" ? "" : BODY); // a GET drops the body
    const ways = {
      fetch: (cybrid: CybridId, api: HopServer) => cybrid.fetch(`${api.origin}/start`, init),
      middleware: (cybrid: CybridId, api: HopServer) => throughMiddleware(cybrid, api, method),
    };
    for (const send of Object.values(ways)) {
      let cybrid: CybridId | undefined;
      const byUs = await atTarget(status, (api) => {
        cybrid = clientFor(emu, { apiOrigins: [api.origin], fetch: wrapped });
        return send(cybrid, api);
      });
      expect(received(byUs)).toEqual(received(byFetch));
      expect(byUs.authorization).toBe(`Bearer ${(await cybrid!.getToken()).accessToken}`);
    }
  });
});

describe("a streamed body (cybrid.fetch), which is sent once", () => {
  const streamed = () => ({
    method: "POST",
    headers: HEADERS,
    body: new Blob([BODY]).stream(),
    duplex: "half",
  });

  it("its 307 is handed back, unfollowed", async () => {
    const emu = await emulator();
    const api = await hopServer();
    api.route("/start", { status: 307, location: "/end" });
    const cybrid = clientFor(emu, { apiOrigins: [api.origin], fetch: wrapped });
    const response = await cybrid.fetch(`${api.origin}/start`, streamed() as RequestInit);
    expect(response.status).toBe(307);
    expect(api.requests.map(received)).toEqual([
      { method: "POST", body: BODY, contentType: "application/json" },
    ]);
  });

  it("its 303 is followed as a GET without it, as fetch does", async () => {
    const emu = await emulator();
    const byFetch = await atTarget(303, (api) =>
      fetch(`${api.origin}/start`, streamed() as RequestInit),
    );
    const byCybridFetch = await atTarget(303, (api) =>
      clientFor(emu, { apiOrigins: [api.origin], fetch: wrapped }).fetch(
        `${api.origin}/start`,
        streamed() as RequestInit,
      ),
    );
    expect(received(byCybridFetch)).toEqual(received(byFetch));
    expect(byCybridFetch.method).toBe("GET");
  });
});
