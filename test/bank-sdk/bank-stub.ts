/**
 * The bank side of the bridge's tests: a `node:http` stub of one bank endpoint
 * (`GET /api/customers`) on loopback that records each request's Authorization header and when
 * it arrived, and the real `@cybrid/cybrid-api-bank-typescript` pointed at it.
 *
 * The bank SDK sends through rxjs `ajax`, i.e. XMLHttpRequest, which Node lacks: a `pre`
 * middleware (the SDK's own extension point) gives each request an xhr2 XMLHttpRequest, as a
 * Node application of that SDK has to.
 */
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { Configuration, CustomersBankApi } from "@cybrid/cybrid-api-bank-typescript";
import { firstValueFrom } from "rxjs";

const require = createRequire(import.meta.url);
const NodeXMLHttpRequest = require("xhr2") as new () => XMLHttpRequest;

export interface ReceivedCall {
  authorization: string | undefined;
  receivedAt: number;
}

export interface BankStub {
  url: string;
  calls: ReceivedCall[];
  close(): Promise<void>;
}

/** The stub: 200 with an empty customer list for `GET /api/customers`, 404 for anything else. */
export async function startBankStub(): Promise<BankStub> {
  const calls: ReceivedCall[] = [];
  const server: Server = createServer((request, response) => {
    const receivedAt = Date.now();
    if (request.method === "GET" && request.url?.split("?")[0] === "/api/customers") {
      calls.push({ authorization: request.headers.authorization, receivedAt });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ total: 0, page: 0, per_page: 10, objects: [] }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bank SDK's customers API on the stub, authenticated by `accessToken`. */
export function customersApi(
  basePath: string,
  accessToken: (name?: string, scopes?: string[]) => string,
): CustomersBankApi {
  return new CustomersBankApi(
    new Configuration({
      basePath,
      accessToken,
      middleware: [
        { pre: (request) => ({ ...request, createXHR: () => new NodeXMLHttpRequest() }) },
      ],
    }),
  );
}

/** One `GET /api/customers` through the bank SDK, to completion. */
export function listCustomers(api: CustomersBankApi): Promise<unknown> {
  return firstValueFrom(api.listCustomers({}));
}
