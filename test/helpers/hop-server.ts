/**
 * Loopback servers for redirect tests: each answers by a table of paths (a redirect, a status)
 * and records what it received, the Authorization header and the body included. Two of them
 * are two origins on one hostname (127.0.0.1, two ports): the case where node-fetch and
 * cross-fetch keep Authorization on a redirect and the fetch spec drops it.
 */
import { createServer } from "node:http";
import { loopbackServer } from "./resource-server.js";

export interface HopRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** What a path answers: a redirect (`status` 3xx, `location` as sent), or any status. */
export interface HopAnswer {
  status: number;
  location?: string;
}

export interface HopServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  requests: HopRequest[];
  /**
   * Sets what `path` answers from now on, or the next `times` times (unset paths answer 200
   * `{"ok":true}`).
   */
  route(path: string, answer: HopAnswer, times?: number): void;
}

export async function hopServer(): Promise<HopServer> {
  const requests: HopRequest[] = [];
  const routes = new Map<string, { answer: HopAnswer; times: number }>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "";
      requests.push({
        method: request.method ?? "",
        path,
        authorization: request.headers.authorization,
        contentType: request.headers["content-type"],
        body: Buffer.concat(chunks).toString(),
      });
      const route = routes.get(path);
      if (route !== undefined && --route.times <= 0) routes.delete(path);
      const answer = route?.answer ?? { status: 200 };
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (answer.location !== undefined) headers.location = answer.location;
      response.writeHead(answer.status, headers);
      response.end(JSON.stringify({ ok: answer.status < 300, path }));
    });
  });
  const origin = await loopbackServer(server);
  return {
    origin,
    requests,
    route: (path, answer, times = Infinity) => routes.set(path, { answer, times }),
  };
}
