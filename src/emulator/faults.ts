/**
 * Programmed faults: a queue in which each request consumes the first fault that matches it,
 * and the translation of a fault into the reply it stands for. Example bodies are looked up
 * in the spec, so `{ status: 401, example: "expired_signature" }` sends exactly what the spec
 * documents.
 */
import { STATUS_CODES } from "node:http";
import type { Reply } from "./http-io.js";
import { findExampleBody, firstExampleBody, specPaths, statusOfExample } from "./spec-examples.js";
import type { Fault } from "./types.js";

interface Queued {
  fault: Fault;
  left: number;
  /** Injection order, to put a given-back fault where it stood. */
  seq: number;
}

/** Where to look an example up: the request's spec path first, then every path of the spec. */
function lookupOrder(specPath: string | undefined): string[] {
  const all = specPaths();
  return specPath !== undefined && all.includes(specPath)
    ? [specPath, ...all.filter((p) => p !== specPath)]
    : all;
}

/** The status and body a fault's `example` names, or undefined when the spec has none. */
function resolveExample(
  fault: Fault,
  specPath: string | undefined,
): { status: number; body: unknown } | undefined {
  const name = fault.example;
  if (name === undefined) return undefined;
  // A fault aimed at a spec path takes that path's examples only; an aimless one borrows from
  // any path (e.g. a 401 ErrorResponse on a token path, to test a client's error parsing).
  const aimed =
    fault.path !== undefined && specPath !== undefined && specPaths().includes(specPath);
  for (const path of aimed ? [specPath] : lookupOrder(specPath)) {
    const status = fault.status ?? statusOfExample(path, name);
    if (status === undefined) continue;
    const body = findExampleBody(path, status, name);
    if (body !== undefined) return { status, body };
  }
  return undefined;
}

/** Whether the fault decides the answer itself (rather than amending the normal one). */
export function answersItself(fault: Fault): boolean {
  return fault.status !== undefined || fault.example !== undefined || fault.body !== undefined;
}

/**
 * The reply a fault stands for. A status without a body sends the spec's first example for it,
 * or an ErrorResponse-shaped body when the spec has none (e.g. 502).
 */
export function faultReply(fault: Fault, specPath: string | undefined): Reply {
  const example = resolveExample(fault, specPath);
  const status = example?.status ?? fault.status ?? 200;
  let body: unknown = fault.body ?? example?.body;
  if (body === undefined) {
    const first = lookupOrder(specPath)
      .map((path) => firstExampleBody(path, status))
      .find((value) => value !== undefined);
    body = first ?? {
      status,
      error_message: STATUS_CODES[status] ?? "Error",
      message_code: (STATUS_CODES[status] ?? "error").toLowerCase().replace(/[^a-z0-9]+/g, "_"),
    };
  }
  const reply: Reply = { status, body };
  if (fault.contentType !== undefined) reply.contentType = fault.contentType;
  return reply;
}

export class FaultQueue {
  private queue: Queued[] = [];
  private injected = 0;
  /** Every fault handed out, to find its place when it is given back. */
  private records = new WeakMap<Fault, Queued>();

  constructor(private readonly specPathOf: (path: string) => string | undefined) {}

  /** Queues a fault; a typo in an example name fails here, not as a puzzling test result. */
  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new Error(`emulator: fault.times must be positive, got ${times}`);
    if (fault.example !== undefined) {
      const specPath = fault.path === undefined ? undefined : this.specPathOf(fault.path);
      if (resolveExample(fault, specPath) === undefined) {
        const where = fault.status === undefined ? "" : ` for status ${fault.status}`;
        throw new Error(`emulator: the spec has no example "${fault.example}"${where}`);
      }
    }
    const queued = { fault: { ...fault }, left: times, seq: this.injected++ };
    this.records.set(queued.fault, queued);
    this.queue.push(queued);
  }

  /** Consumes one use of the first fault that matches this path. */
  take(path: string): Fault | undefined {
    const index = this.queue.findIndex((q) => q.fault.path === undefined || q.fault.path === path);
    const queued = this.queue[index];
    if (queued === undefined) return undefined;
    queued.left -= 1;
    if (queued.left <= 0) this.queue.splice(index, 1);
    return queued.fault;
  }

  /**
   * Gives back the use {@link take} consumed, for a request answered before any fault could
   * apply (a 413): the next request it matches gets it, as if this one had never taken it.
   */
  giveBack(fault: Fault): void {
    const queued = this.records.get(fault);
    if (queued === undefined) return;
    queued.left += 1;
    if (this.queue.includes(queued)) return;
    const after = this.queue.findIndex((q) => q.seq > queued.seq);
    this.queue.splice(after === -1 ? this.queue.length : after, 0, queued);
  }

  clear(): void {
    this.queue = [];
    this.records = new WeakMap();
  }
}
