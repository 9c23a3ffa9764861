/**
 * The emulator's HTTP server: one request's path through it reads top to bottom in `handle`:
 * log it, take a fault, judge the bearer, read the body, then let the fault or the route
 * answer. Everything that can outlive a test (sockets, timers) is tracked so close() is prompt.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { checkBearer } from "./bearer.js";
import { answersItself, faultReply, FaultQueue } from "./faults.js";
import {
  BodyTooLarge,
  json,
  parseBody,
  readBody,
  sleep,
  writeReply,
  type Reply,
} from "./http-io.js";
import { prepareKeys, signJwt } from "./jwt.js";
import { RateLimiter } from "./rate-limit.js";
import { handleCustomerToken } from "./customer-tokens-route.js";
import { handleToken } from "./token-route.js";
import { allowedScopes } from "./scopes.js";
import { assertRequiredExamples, CUSTOMER_TOKENS_PATH, TOKEN_PATH } from "./spec-examples.js";
import { audienceOf, type EmulatorState, type RouteContext } from "./state.js";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  type Emulator,
  type EmulatorOptions,
  type EmulatorSettings,
  type LoggedRequest,
} from "./types.js";

const CORS_EXPOSED = "x-request-id, retry-after, retry-after-ms";
const CORS_ALLOWED = ["authorization", "content-type"];

function checkTtl(name: string, value: number, min: number): number {
  // expires_in is an integer >= 1 in the spec: the emulator must not break its own contract.
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`emulator: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function applySettings(state: EmulatorState, settings: EmulatorSettings): void {
  if (settings.tokenTtlSeconds !== undefined) {
    state.tokenTtlSeconds = checkTtl("tokenTtlSeconds", settings.tokenTtlSeconds, 1);
  }
  if (settings.customerTokenTtlSeconds !== undefined) {
    // Zero or less mints customer tokens that are expired at birth, which tests may want.
    state.customerTokenTtlSeconds = checkTtl(
      "customerTokenTtlSeconds",
      settings.customerTokenTtlSeconds,
      -1e9,
    );
  }
  if ("customers" in settings) {
    state.customers = settings.customers === undefined ? undefined : new Set(settings.customers);
  }
  if ("rateLimit" in settings) {
    state.limiter.limit = settings.rateLimit;
    state.limiter.reset();
  }
}

function errorBody(status: number, message: string, code: string): unknown {
  return { status, error_message: message, message_code: code };
}

/**
 * Starts an emulator of Cybrid's identity API on loopback. Always `close()` it (afterEach).
 *
 * @example
 * const idp = await startEmulator({ tokenTtlSeconds: 60 });
 * const res = await fetch(`${idp.url}/oauth/token`, { method: "POST", ... });
 * await idp.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  assertRequiredExamples();
  await prepareKeys(); // off the event loop, once per process (see jwt.ts)
  const clients = options.clients ?? [
    { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, kind: "bank" as const },
  ];
  const tokenPaths = new Set(options.tokenPaths ?? [TOKEN_PATH]);
  const cors = options.cors ?? false;
  const host = options.host ?? "127.0.0.1";
  const state: EmulatorState = {
    url: "",
    issuer: "",
    clients: new Map(
      clients.map((client) => [client.clientId, { ...client, scopes: allowedScopes(client) }]),
    ),
    tokenTtlSeconds: 1800,
    customerTokenTtlSeconds: 1800,
    customers: undefined,
    limiter: new RateLimiter(undefined),
  };
  applySettings(state, options);
  const requests: LoggedRequest[] = [];
  const maxLogged = Math.max(1, options.maxLoggedRequests ?? 10_000);
  const maxBytes = checkTtl("maxRequestBytes", options.maxRequestBytes ?? 65_536, 1);
  /** Requests per path, apart from the log so that trimming the log does not change them. */
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  const specPathOf = (path: string) => (tokenPaths.has(path) ? TOKEN_PATH : path);
  const faults = new FaultQueue(specPathOf);

  function baseHeaders(req: IncomingMessage, preflight: boolean): Record<string, string> {
    const headers: Record<string, string> = { "x-request-id": randomUUID() };
    if (!cors) return headers;
    headers["access-control-allow-origin"] = "*";
    headers["access-control-expose-headers"] = CORS_EXPOSED;
    if (preflight) {
      const asked = String(req.headers["access-control-request-headers"] ?? "");
      const wanted = asked
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      headers["access-control-allow-methods"] = "POST, OPTIONS";
      headers["access-control-allow-headers"] = [...new Set([...CORS_ALLOWED, ...wanted])].join(
        ", ",
      );
      headers["access-control-max-age"] = "600";
    }
    return headers;
  }

  function route(method: string, path: string, preflight: boolean, ctx: RouteContext): Reply {
    const isToken = tokenPaths.has(path);
    if (!isToken && path !== CUSTOMER_TOKENS_PATH) {
      return json(404, errorBody(404, `No route for ${method} ${path}`, "not_found"));
    }
    if (preflight) return { status: 204, body: "", contentType: "text/plain" };
    if (method !== "POST") {
      const allow = cors ? "POST, OPTIONS" : "POST";
      return json(405, errorBody(405, `Method ${method} not allowed`, "method_not_allowed"), {
        allow,
      });
    }
    return isToken ? handleToken(ctx) : handleCustomerToken(ctx);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://emulator.invalid").pathname;
    const entry: LoggedRequest = {
      method,
      path,
      headers: { ...req.headers },
      body: undefined,
      receivedAt: Date.now(),
      status: 0,
    };
    requests.push(entry);
    if (requests.length > maxLogged) requests.splice(0, requests.length - maxLogged);
    // A browser's preflight must not eat the fault meant for the request that follows it.
    const preflight = cors && method === "OPTIONS";
    if (!preflight) counts.set(path, (counts.get(path) ?? 0) + 1);
    const fault = preflight ? undefined : faults.take(path);
    if (fault !== undefined) entry.fault = fault;
    const bearer = checkBearer(req.headers.authorization, {
      issuer: state.issuer,
      audience: audienceOf(state)[0] ?? state.url,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (bearer.logged !== undefined) entry.bearer = bearer.logged;
    let text: string;
    try {
      text = await readBody(req, maxBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      entry.status = 413;
      // Taken on arrival (first come, first served), but never applied: it stays queued.
      if (fault !== undefined) {
        faults.giveBack(fault);
        delete entry.fault;
      }
      // The rest of the body is not read: the connection closes after this answer.
      const tooLarge = errorBody(
        413,
        `Request body larger than ${maxBytes} bytes`,
        "payload_too_large",
      );
      await writeReply(res, json(413, tooLarge, { connection: "close" }), baseHeaders(req, false), {
        signal: closing.signal,
      });
      return;
    }
    const body = parseBody(text, req.headers["content-type"]);
    entry.body = text === "" ? undefined : body.value;

    if (fault?.delayMs !== undefined) await sleep(fault.delayMs, closing.signal);
    if (closing.signal.aborted || fault?.hang) return; // close() destroys the socket
    if (fault?.reset) {
      // An RST rather than a FIN: the client sees ECONNRESET, not a clean end of stream.
      req.socket.resetAndDestroy();
      return;
    }
    const ctx: RouteContext = { state, headers: req.headers, body, bearer };
    const reply =
      fault !== undefined && answersItself(fault)
        ? faultReply(fault, specPathOf(path))
        : route(method, path, preflight, ctx);
    if (fault?.headers !== undefined) reply.headers = { ...reply.headers, ...fault.headers };
    entry.status = reply.status;
    const slow = fault?.slowBodyMs;
    await writeReply(res, reply, baseHeaders(req, preflight), {
      signal: closing.signal,
      ...(slow === undefined ? {} : { slowBodyMs: slow }),
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the emulator must show up as a 500 the test can see, not a hung request.
      if (res.headersSent || res.destroyed) return res.destroy();
      res.statusCode = 500;
      res.setHeader("content-type", "application/json");
      res.setHeader("x-request-id", randomUUID());
      res.end(JSON.stringify(errorBody(500, `Emulator error: ${String(error)}`, "internal_error")));
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // Bound to every interface, it is reached on loopback: 0.0.0.0 is no address to connect to,
  // and createCybridId allows plain http on loopback only.
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  state.url = `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
  state.issuer = options.issuer ?? state.url;

  let closed: Promise<void> | undefined;
  const first = clients[0];
  return {
    url: state.url,
    clientId: first?.clientId ?? "",
    clientSecret: first?.clientSecret ?? "",
    requests,
    count: (path) =>
      path === undefined
        ? [...counts.values()].reduce((sum, n) => sum + n, 0)
        : (counts.get(path) ?? 0),
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    resetLog: () => {
      requests.length = 0;
      counts.clear();
    },
    configure: (settings) => applySettings(state, settings),
    signJwt,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
