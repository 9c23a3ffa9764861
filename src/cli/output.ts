/**
 * Everything the CLI writes goes through here: stdout for results, stderr for diagnostics,
 * one line per failure. A last-line redaction of the client secret (the SDK's Redactor: every
 * encoding of it, and the Basic credentials) sits on both streams so that no code path (a
 * server echoing a request, an unexpected exception) can print it.
 */
import { basicCredentials } from "../token/basic-credentials.js";
import {
  ConnectionError,
  CybridIdError,
  TimeoutError,
  ValidationError,
} from "../errors/cybrid-id-error.js";
import { createRedactor } from "../log/redactor.js";

const redactor = createRedactor();

/**
 * Registers a client secret that must never be printed, with its client id when known (for
 * its Basic credentials). Called before the SDK checks it, so even a secret it refuses as too
 * short is blanked from the report of that refusal.
 */
export function neverPrint(secret: string | undefined, clientId?: string): void {
  if (secret !== undefined)
    redactor.addClientSecret(secret, clientId && basicCredentials(clientId, secret));
}

const redact = (text: string) => redactor.redact(text);

/** Writes a result line (or block) to stdout. */
export function out(text: string): void {
  process.stdout.write(redact(text.endsWith("\n") ? text : `${text}\n`));
}

/** Writes a diagnostic line to stderr. */
export function err(text: string): void {
  process.stderr.write(redact(text.endsWith("\n") ? text : `${text}\n`));
}

/**
 * A failure or a warning on stderr, behind the one prefix every such line has:
 * `cybrid-id token: 401 invalid_client: ...`, `cybrid-id: unknown command "x"`.
 */
export function fail(command: string | undefined, text: string): void {
  err(`cybrid-id${command === undefined ? "" : ` ${command}`}: ${text}`);
}

/** The identity API the command talks to, so that a connection failure can name its host. */
let host: string | undefined;

export function talkingTo(baseUrl: string): void {
  host = new URL(baseUrl).host;
}

/** A verbose-mode line on stderr, prefixed so it is easy to grep out of a script's log. */
export function debug(text: string): void {
  err(`[cybrid-id] ${text}`);
}

/**
 * The one stderr line of a failed call (after `fail`'s prefix): status, code, message, the ids
 * support asks for, and for a connection failure the host that could not be reached.
 * `401 invalid_client: Client authentication failed (requestId: abc, attempts: 1)`
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof CybridIdError)) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split("\n")[0] ?? "";
  }
  // Server messages may span lines (an HTML error page); keep the promise of ONE line.
  const message = error.message.replace(/\s+/g, " ").trim();
  const head = [error.status, error.code].filter((part) => part !== undefined).join(" ");
  // The SDK's messages often name the status, code and request id already: say them once.
  const ids = [
    error.errorId !== undefined && !message.includes(error.errorId) && `errorId: ${error.errorId}`,
    error.requestId !== undefined &&
      !message.includes(error.requestId) &&
      `requestId: ${error.requestId}`,
    error.retryAfter !== undefined && `retryAfter: ${Math.ceil(error.retryAfter / 1000)} s`,
    !(error instanceof ValidationError) && error.attempts > 0 && `attempts: ${error.attempts}`,
    (error instanceof ConnectionError || error instanceof TimeoutError) &&
      host !== undefined &&
      !message.includes(host) &&
      `host: ${host}`,
  ].filter((part): part is string => typeof part === "string");
  const text = message.includes(head) ? message : `${head}: ${message}`;
  return `${text}${ids.length > 0 ? ` (${ids.join(", ")})` : ""}`;
}

/** `1 h 5 min`, `29 min 59 s`, `4 s`, `850 ms`: for expiries and waits. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  const total = Math.round(abs / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts =
    days > 0
      ? [`${days} d`, hours > 0 && `${hours} h`]
      : hours > 0
        ? [`${hours} h`, minutes > 0 && `${minutes} min`]
        : minutes > 0
          ? [`${minutes} min`, seconds > 0 && `${seconds} s`]
          : [`${seconds} s`];
  return parts.filter(Boolean).join(" ");
}

/** "in 29 min 59 s" or "expired 3 min ago", relative to now. */
export function timeLeft(expiresAt: Date, now = Date.now()): string {
  const left = expiresAt.getTime() - now;
  return left > 0 ? `in ${formatDuration(left)}` : `expired ${formatDuration(left)} ago`;
}

/** Splits a scope list given as "a b", "a,b" or "a, b". */
export function parseScopeList(raw: string): string[] {
  return raw.split(/[\s,]+/).filter((scope) => scope !== "");
}
