/**
 * Reads the three error dialects a token endpoint may answer with into one shape:
 * - Cybrid's `ErrorResponse`: `{ status, error_message, message_code }`
 * - OAuth 2.0 (RFC 6749 5.2): `{ error, error_description }`
 * - the `errorId` dialect (seed 004): `{ errorId, code, text, parameter_name, parameter_value }`
 * Anything else (HTML from a proxy, an empty body) still yields a short excerpt.
 *
 * Every string taken from the body is hostile: it may echo the secret (in any encoding) and be
 * of any size. Each is redacted whole and only then cut to a documented length.
 */
import type { Redactor } from "../log/redactor.js";

export interface ParsedErrorBody {
  code?: string | undefined;
  message?: string | undefined;
  errorId?: string | undefined;
  /** Set when the body was not one of the dialects: the first characters, whitespace folded. */
  excerpt?: string | undefined;
}

/** The excerpt of a body that is not one of the dialects (redacted, then cut). */
const EXCERPT_LENGTH = 120;
/** The server's own message (error_description, error_message, text), redacted, then cut. */
export const MESSAGE_LENGTH = 500;
/** A code or an id (error id, request id): short in every dialect; longer is garbage. */
export const ID_LENGTH = 100;

const foldWhitespace = (text: string) => text.replace(/\s+/g, " ").trim();

/** The `X-Request-Id` a server sent: it may echo anything, so redacted and cut like every id. */
export function requestIdOf(headers: Headers, redactor: Redactor): string | undefined {
  const header = headers.get("x-request-id");
  return header === null ? undefined : redactor.redactHead(header, ID_LENGTH);
}

/** Redacts a raw body, folds whitespace and cuts it down to something fit for one log line. */
export function excerptOf(text: string, redactor: Redactor): string {
  const excerpt = redactor.redactHead(text, EXCERPT_LENGTH, foldWhitespace);
  return excerpt === "" ? "(empty body)" : excerpt;
}

/**
 * `body` is what openapi-fetch produced: parsed JSON when it could, else the raw text. Each
 * field is read in every dialect's spelling (no body mixes them); a body with none of them is
 * not one of the dialects, and gives an excerpt instead.
 */
export function parseErrorBody(body: unknown, redactor: Redactor): ParsedErrorBody {
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const field = (key: string, max = ID_LENGTH) => {
    const value = record[key];
    return typeof value === "string" && value !== "" ? redactor.redactHead(value, max) : undefined;
  };
  const text = field("text", MESSAGE_LENGTH);
  // parameter_value is left out on purpose: it echoes input, which may be the secret.
  const parameter = field("parameter_name");
  const code = field("message_code") ?? field("error") ?? field("code");
  const message =
    field("error_message", MESSAGE_LENGTH) ??
    field("error_description", MESSAGE_LENGTH) ??
    (text && parameter ? `${text} (parameter ${parameter})` : text);
  const errorId = field("errorId");
  if (code || message || errorId) return { code, message, errorId };
  return {
    excerpt: excerptOf(typeof body === "string" ? body : (JSON.stringify(body) ?? ""), redactor),
  };
}
