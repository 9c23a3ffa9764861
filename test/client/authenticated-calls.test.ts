/** cybrid.fetch and cybrid.middleware against a resource server (the emulator's own API). */
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { paths } from "../../generated/openapi.js";
import { GUID, clientFor, emulator } from "../helpers/client-harness.js";
import { nodeFetchForUrls } from "../helpers/node-fetch.js";

const PATH = "/api/customer_tokens";
const body = { customer_guid: GUID, scopes: ["accounts:read" as const] };

describe("cybrid.fetch", () => {
  it("sends the bank token and replays once after a 401 with a new token", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const send = () =>
      cybrid.fetch(`${emu.url}${PATH}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await send()).status).toBe(201);
    emu.inject({ path: PATH, status: 401, example: "expired_signature" });
    const response = await send();
    expect(response.status).toBe(201);
    const mints = emu.requests.filter((r) => r.path === PATH);
    expect(mints).toHaveLength(3);
    expect(mints[2]?.headers.authorization).not.toBe(mints[1]?.headers.authorization);
    expect(mints[2]?.body).toEqual(body);
    expect(emu.count("/oauth/token")).toBe(2);
  });

  it("after a 401 to a streamed body, drops the token but does not replay (a stream is sent once)", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const dropped: (string | undefined)[] = [];
    cybrid.onInvalidate(({ accessToken }) => dropped.push(accessToken));
    const rejected = (await cybrid.getToken()).accessToken;
    emu.inject({ path: PATH, status: 401, example: "expired_signature" });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(body)));
        controller.close();
      },
    });
    const response = await cybrid.fetch(`${emu.url}${PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(401);
    expect(emu.count(PATH)).toBe(1);
    expect(dropped).toEqual([rejected]);
    expect((await cybrid.getToken()).accessToken).not.toBe(rejected);
    expect(emu.count("/oauth/token")).toBe(2);
  });

  it("passes a 403 through without refreshing", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    emu.inject({
      path: PATH,
      status: 403,
      example: "rate_limited",
      headers: { "retry-after": "1" },
    });
    const response = await cybrid.fetch(`${emu.url}${PATH}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(403);
    expect(emu.count(PATH)).toBe(1);
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it("with node-fetch as its fetch (a Node stream for a body), a 401 is replayed all the same", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu, { fetch: nodeFetchForUrls });
    emu.inject({ path: PATH, status: 401, example: "expired_signature" });
    const response = await cybrid.fetch(`${emu.url}${PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    expect(emu.count(PATH)).toBe(2);
    expect(emu.count("/oauth/token")).toBe(2);
  });
});

describe("cybrid.middleware", () => {
  it("authenticates another openapi-fetch client and replays once after a 401", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const other = createClient<paths>({ baseUrl: emu.url });
    other.use(cybrid.middleware);
    const first = await other.POST(PATH, { body });
    expect(first.response.status).toBe(201);
    emu.inject({ path: PATH, status: 401, example: "expired_signature" });
    const second = await other.POST(PATH, { body });
    expect(second.response.status).toBe(201);
    expect(second.data?.access_token).toBeTruthy();
    const mints = emu.requests.filter((r) => r.path === PATH);
    expect(mints).toHaveLength(3);
    expect(mints[2]?.body).toEqual(body);
    expect(emu.count("/oauth/token")).toBe(2);
  });

  it("does not loop when the new token is rejected too", async () => {
    const emu = await emulator();
    const other = createClient<paths>({ baseUrl: emu.url });
    other.use(clientFor(emu).middleware);
    emu.inject({ path: PATH, status: 401, example: "expired_signature", times: Infinity });
    const result = await other.POST(PATH, { body });
    expect(result.response.status).toBe(401);
    expect(emu.count(PATH)).toBe(2);
  });

  it("a 401 to a request that carried no token replays with the cached one, dropping nothing", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const other = createClient<paths>({ baseUrl: emu.url });
    other.use(cybrid.middleware);
    // A middleware after ours that strips the header (a proxy helper, a misconfigured chain).
    other.use({
      onRequest({ request }) {
        request.headers.delete("authorization");
        return request;
      },
    });
    const result = await other.POST(PATH, { body });
    expect(result.response.status).toBe(201);
    const mints = emu.requests.filter((r) => r.path === PATH);
    expect(mints.map((r) => r.status)).toEqual([401, 201]);
    expect(mints[1]?.headers.authorization).toMatch(/^Bearer /);
    expect(emu.count("/oauth/token")).toBe(1);
  });

  it("a 401 to a later middleware's new request with a body (read by the fetch): returned, the token dropped", async () => {
    const emu = await emulator();
    const cybrid = clientFor(emu);
    const rejected = (await cybrid.getToken()).accessToken;
    const other = createClient<paths>({ baseUrl: emu.url });
    other.use(cybrid.middleware, {
      onRequest: ({ request }) =>
        new Request(request, { headers: [...request.headers, ["x", "1"]] }),
    });
    emu.inject({ path: PATH, status: 401, example: "expired_signature" });
    const result = await other.POST(PATH, { body });
    expect(result.response.status).toBe(401);
    expect((await cybrid.getToken()).accessToken).not.toBe(rejected);
    expect([emu.count(PATH), emu.count("/oauth/token")]).toEqual([1, 2]);
  });
});

describe("cybrid.api", () => {
  it("is the typed openapi-fetch client of the IdP", async () => {
    const emu = await emulator();
    const { data } = await clientFor(emu).api.POST("/oauth/token", {
      body: {
        grant_type: "client_credentials",
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
      },
    });
    expect(data?.token_type).toBe("Bearer");
  });
});
