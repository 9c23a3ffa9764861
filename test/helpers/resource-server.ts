/**
 * A resource server of the test's own (node:http on 127.0.0.1, port 0) for cybrid.fetch and
 * cybrid.middleware: it answers 200 `{"ok":true}` and records what it received. Closed after
 * each test.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface ReceivedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

export interface ResourceServer {
  /** `http://127.0.0.1:PORT`, the server's origin. */
  origin: string;
  requests: ReceivedRequest[];
}

const open: Server[] = [];

afterEach(async () => {
  const servers = open.splice(0);
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `server` listening on loopback (closed after the test): its origin. */
export async function loopbackServer(server: Server): Promise<string> {
  open.push(server);
  return listen(server);
}

export async function resourceServer(): Promise<ResourceServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    requests.push({
      method: request.method ?? "",
      url: request.url ?? "",
      authorization: request.headers.authorization,
    });
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"ok":true}');
    });
  });
  return { origin: await loopbackServer(server), requests };
}

/** The origin of a port that was just free and is now closed: connecting is refused. */
export async function closedOrigin(): Promise<string> {
  const server = createServer();
  const origin = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return origin;
}
