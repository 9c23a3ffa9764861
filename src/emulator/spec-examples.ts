/**
 * Reads responses and their named examples out of the spec (generated/spec.js). Every error
 * body the emulator sends comes from here, so a reworded example in spec/openapi.yaml reaches
 * the emulator through `npm run generate` alone.
 */
import { spec } from "../../generated/spec.js";

/** The client-credentials grant, as the spec names it. */
export const TOKEN_PATH = "/oauth/token";
/** Customer token creation, as the spec names it. */
export const CUSTOMER_TOKENS_PATH = "/api/customer_tokens";

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Follows a local JSON pointer (`#/components/responses/X`), `~0`/`~1` escapes included. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`emulator: only local $refs are supported: ${ref}`);
  let node: unknown = spec;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = isNode(node) ? node[key] : undefined;
  }
  return node;
}

/** A node with its `$ref` (chain) replaced by what it points to. */
function deref(node: unknown): Node | undefined {
  let current = node;
  for (let hops = 0; isNode(current) && typeof current.$ref === "string"; hops++) {
    if (hops > 16) throw new Error("emulator: $ref cycle in the spec");
    current = resolvePointer(current.$ref);
  }
  return isNode(current) ? current : undefined;
}

function responsesOf(path: string): Node | undefined {
  const operation = deref(deref(spec.paths[path])?.post);
  return deref(operation?.responses);
}

/** The response object the spec declares for (path, status), `$ref` resolved. */
export function specResponse(path: string, status: number): Node | undefined {
  return deref(responsesOf(path)?.[String(status)]);
}

/** The statuses the spec declares for POST on a path, ascending. */
export function declaredStatuses(path: string): number[] {
  return Object.keys(responsesOf(path) ?? {})
    .map(Number)
    .filter(Number.isInteger)
    .sort((a, b) => a - b);
}

/** The named examples of the JSON content of (path, status), values `$ref`-resolved. */
function examplesOf(path: string, status: number): Map<string, unknown> {
  const content = deref(specResponse(path, status)?.content);
  const examples = deref(deref(content?.["application/json"])?.examples) ?? {};
  const out = new Map<string, unknown>();
  for (const [name, example] of Object.entries(examples)) {
    const resolved = deref(example);
    if (resolved && "value" in resolved) out.set(name, resolved.value);
  }
  return out;
}

/** A fresh copy of the named example's value, or undefined when the spec has no such example. */
export function findExampleBody(path: string, status: number, name: string): unknown {
  const examples = examplesOf(path, status);
  return examples.has(name) ? structuredClone(examples.get(name)) : undefined;
}

/** The named example's value; throws when the spec lost it (a loud failure, not a silent 500). */
export function exampleBody(path: string, status: number, name: string): unknown {
  const body = findExampleBody(path, status, name);
  if (body === undefined) {
    throw new Error(`emulator: the spec has no example "${name}" for ${status} on POST ${path}`);
  }
  return body;
}

/** The first status of a path whose response has an example of that name. */
export function statusOfExample(path: string, name: string): number | undefined {
  return declaredStatuses(path).find((status) => examplesOf(path, status).has(name));
}

/** The first example the spec gives for (path, status), if any. */
export function firstExampleBody(path: string, status: number): unknown {
  const first = examplesOf(path, status).values().next();
  return first.done ? undefined : structuredClone(first.value);
}

/** Paths of the spec, for looking an example up when a request path is not one of them. */
export function specPaths(): string[] {
  return Object.keys(spec.paths);
}

/** `ErrorResponse`'s example body with a message of our own (e.g. the validator's words). */
export function errorResponse(path: string, status: number, name: string, message?: string): Node {
  const body = exampleBody(path, status, name) as Node;
  return message === undefined ? body : { ...body, error_message: message };
}

/**
 * Every example the emulator answers with on its own; checked when an emulator starts so that
 * a spec that lost one fails at once instead of on the first request that needs it.
 */
export const REQUIRED_EXAMPLES: ReadonlyArray<[path: string, status: number, name: string]> = [
  [TOKEN_PATH, 400, "invalid_request"],
  [TOKEN_PATH, 400, "unsupported_grant_type"],
  [TOKEN_PATH, 400, "invalid_scope"],
  [TOKEN_PATH, 401, "invalid_client"],
  [TOKEN_PATH, 403, "rate_limited"],
  [CUSTOMER_TOKENS_PATH, 400, "bad_request"],
  [CUSTOMER_TOKENS_PATH, 401, "unauthorized"],
  [CUSTOMER_TOKENS_PATH, 401, "malformed_auth_header"],
  [CUSTOMER_TOKENS_PATH, 401, "invalid_signature"],
  [CUSTOMER_TOKENS_PATH, 401, "invalid_issuer"],
  [CUSTOMER_TOKENS_PATH, 401, "invalid_audience"],
  [CUSTOMER_TOKENS_PATH, 401, "expired_signature"],
  [CUSTOMER_TOKENS_PATH, 401, "invalid_subject"],
  [CUSTOMER_TOKENS_PATH, 403, "invalid_scope"],
  [CUSTOMER_TOKENS_PATH, 403, "rate_limited"],
  [CUSTOMER_TOKENS_PATH, 422, "no_customer"],
];

export function assertRequiredExamples(): void {
  for (const [path, status, name] of REQUIRED_EXAMPLES) exampleBody(path, status, name);
}
