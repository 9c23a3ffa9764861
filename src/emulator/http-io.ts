/**
 * Reading requests and writing replies. Timers come from node:timers on purpose: tests that
 * fake the global timers (vi.useFakeTimers) must not freeze the emulator's delays.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as realSetTimeout, clearTimeout as realClearTimeout } from "node:timers";

/** An answer before it is written: routes build these, faults replace or amend them. */
export interface Reply {
  status: number;
  /** A string is sent as is; anything else is JSON-encoded. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** Thrown by {@link readBody} past its limit: the server answers 413. */
export class BodyTooLarge extends Error {}

/**
 * The whole request body as text, at most `maxBytes` of it: past that (declared in
 * content-length, or counted as it arrives) it stops reading and throws {@link BodyTooLarge},
 * so that no request can make the emulator hold more than that.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A parsed body: `parsed` is false when the text was not what its content type claims. */
export interface ParsedBody {
  value: unknown;
  parsed: boolean;
  form: boolean;
  /** Why a body that looked right was refused anyway, for the route's error description. */
  refusal?: string;
}

/** JSON or form by content type; without one, JSON is tried (what most clients send). */
export function parseBody(text: string, contentType: string | undefined): ParsedBody {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/x-www-form-urlencoded") {
    const params = new URLSearchParams(text);
    // RFC 6749 section 3.1: parameters "MUST NOT be included more than once" (else the last
    // value would silently win, a second client_secret included).
    const twice = [...params.keys()].find((name) => params.getAll(name).length > 1);
    if (twice !== undefined)
      return {
        value: text,
        parsed: false,
        form: true,
        refusal: `Parameter ${twice} is included more than once.`,
      };
    return { value: Object.fromEntries(params), parsed: true, form: true };
  }
  if (text === "") return { value: text, parsed: false, form: false };
  if (type === "" || type === "application/json" || type.endsWith("+json")) {
    try {
      return { value: JSON.parse(text) as unknown, parsed: true, form: false };
    } catch {
      return { value: text, parsed: false, form: false };
    }
  }
  return { value: text, parsed: false, form: false };
}

/** A sleep that the emulator's close() cuts short, so that no timer outlives a test. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      realClearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = realSetTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done, { once: true });
  });
}

function encode(reply: Reply): { text: string; type: string } {
  if (typeof reply.body === "string") {
    const type = reply.body.trimStart().startsWith("<")
      ? "text/html; charset=utf-8"
      : "application/json";
    return { text: reply.body, type: reply.contentType ?? type };
  }
  return { text: JSON.stringify(reply.body), type: reply.contentType ?? "application/json" };
}

/**
 * Writes a reply. With `slowBodyMs` the headers go out at once and the body follows in about
 * ten chunks spread over that time, so a client's body timeout (not its header timeout) trips.
 */
export async function writeReply(
  res: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string>,
  options: { slowBodyMs?: number; signal: AbortSignal },
): Promise<void> {
  const { text, type } = encode(reply);
  const payload = Buffer.from(text, "utf8");
  res.statusCode = reply.status;
  res.setHeader("content-type", type);
  res.setHeader("content-length", payload.length);
  for (const [name, value] of Object.entries({ ...extraHeaders, ...reply.headers })) {
    res.setHeader(name, value);
  }
  const slowMs = options.slowBodyMs ?? 0;
  if (slowMs <= 0) {
    res.end(payload);
    return;
  }
  res.flushHeaders();
  if (payload.length === 0) {
    await sleep(slowMs, options.signal);
    if (!res.destroyed) res.end();
    return;
  }
  const pieces = Math.min(10, payload.length);
  const size = Math.ceil(payload.length / pieces);
  for (let offset = 0; offset < payload.length; offset += size) {
    await sleep(slowMs / pieces, options.signal);
    if (options.signal.aborted || res.destroyed) return;
    res.write(payload.subarray(offset, offset + size));
  }
  res.end();
}
