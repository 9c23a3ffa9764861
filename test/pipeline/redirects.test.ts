/**
 * A token request carries the client secret, a customer-token request the bank token: a 307 or
 * 308 must not make fetch send either again to wherever `Location` points. Two small servers of
 * the test's own on loopback: the IdP answers with a redirect to the second, which must see
 * nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCybridId, InvalidResponseError } from "../../src/index.js";
import { rejectionOf } from "../helpers/client-harness.js";

const SECRET = "redirect-test-client-secret-0123456789";
const GUID = "0123456789abcdef0123456789abcdef";

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  body: string;
}

interface TestServer {
  url: string;
  requests: Recorded[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A loopback server that records every request and answers with `handler`. */
async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      requests.push({ method: request.method, url: request.url, body });
      handler(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests };
}

function redirect(response: ServerResponse, status: number, location: string): void {
  response.writeHead(status, { location, "content-type": "text/plain" });
  response.end("moved");
}

function bankToken(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      access_token: "bank-token-abcdefghijklmnop",
      token_type: "Bearer",
      expires_in: 1800,
      scope: "customers:read customers:write",
    }),
  );
}

const client = (baseUrl: string) =>
  createCybridId({
    baseUrl,
    clientId: "redirect-client",
    clientSecret: SECRET,
    logger: "silent",
    maxRetries: 2,
    backoff: { base: 1, max: 5 },
  });

describe.each([307, 308])("a %i redirect", (status) => {
  it("from the token endpoint is a typed error; the secret goes to one origin, once", async () => {
    const target = await serve((_, response) => bankToken(response));
    const idp = await serve((_, response) =>
      // userinfo and a query in Location: neither may reach the error message.
      redirect(response, status, `http://user:pw@127.0.0.1:${new URL(target.url).port}/x?q=1`),
    );
    const error = await rejectionOf(client(idp.url).getToken());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.code).toBe("redirect_refused");
    expect(error.status).toBe(status);
    expect(error.message).not.toMatch(/user|pw|q=1/);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(target.requests).toHaveLength(0);
    expect(idp.requests).toHaveLength(1); // not retried
    expect(idp.requests[0]?.body).toContain(SECRET);
  });

  it("from /api/customer_tokens is a typed error; the bank token is not sent on", async () => {
    const target = await serve((_, response) => bankToken(response));
    const idp = await serve((request, response) =>
      request.url === "/oauth/token"
        ? bankToken(response)
        : redirect(response, status, `${target.url}/api/customer_tokens`),
    );
    const error = await rejectionOf(
      client(idp.url).getCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] }),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.code).toBe("redirect_refused");
    expect(target.requests).toHaveLength(0);
    expect(idp.requests.map((r) => r.url)).toEqual(["/oauth/token", "/api/customer_tokens"]);
  });
});

it("a redirect that says x-should-retry: true is refused all the same, not retried", async () => {
  const target = await serve((_, response) => bankToken(response));
  const idp = await serve((_, response) => {
    response.writeHead(307, { location: `${target.url}/oauth/token`, "x-should-retry": "true" });
    response.end();
  });
  const error = await rejectionOf(client(idp.url).getToken());
  expect(error.code).toBe("redirect_refused");
  expect(idp.requests).toHaveLength(1);
  expect(target.requests).toHaveLength(0);
});

it("a browser's opaqueredirect (status 0, no Location) is refused the same way", async () => {
  const sent: RequestRedirect[] = [];
  // What a browser's fetch answers in manual mode: Node cannot build one, so this fakes its shape.
  const fetch: typeof globalThis.fetch = async (input) => {
    sent.push((input as Request).redirect);
    const response = new Response(null, { status: 200 });
    Object.defineProperties(response, {
      type: { value: "opaqueredirect" },
      status: { value: 0 },
      ok: { value: false },
    });
    return response;
  };
  const cybrid = createCybridId({
    baseUrl: "https://id.sandbox.cybrid.app",
    clientId: "redirect-client",
    clientSecret: SECRET,
    logger: "silent",
    fetch,
  });
  const error = await rejectionOf(cybrid.getToken());
  expect(error).toBeInstanceOf(InvalidResponseError);
  expect(error.code).toBe("redirect_refused");
  expect(error.status).toBeUndefined();
  expect(sent).toEqual(["manual"]);
});
