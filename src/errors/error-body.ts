/**
 * Reads the three error dialects a token endpoint may answer with into one shape:
 * - Cybrid's `ErrorResponse`: `{ status, error_message, message_code }`
 * - OAuth 2.0 (RFC 6749 5.2): `{ error, error_description }`
 * - the `errorId` dialect (seed 004): `{ errorId, code, text, parameter_name, parameter_value }`
 * Anything else (HTML from a proxy, an empty body) still yields a short excerpt.
 */

export interface ParsedErrorBody {
  code?: string | undefined;
  message?: string | undefined;
  errorId?: string | undefined;
  /** Set when the body was not one of the dialects: the first characters, whitespace folded. */
  excerpt?: string | undefined;
}

const EXCERPT_LENGTH = 120;

/** Folds whitespace and cuts a raw body down to something fit for one log line. */
export function excerptOf(text: string): string {
  const folded = text.replace(/\s+/g, " ").trim();
  if (folded === "") return "(empty body)";
  return folded.length > EXCERPT_LENGTH ? `${folded.slice(0, EXCERPT_LENGTH)}…` : folded;
}

/** `body` is what openapi-fetch produced: parsed JSON when it could, else the raw text. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { excerpt: excerptOf(typeof body === "string" ? body : "") };
  }
  const record = body as Record<string, unknown>;
  const field = (key: string) => {
    const value = record[key];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  if (field("message_code") || "error_message" in record) {
    return { code: field("message_code"), message: field("error_message") };
  }
  if (field("error")) return { code: field("error"), message: field("error_description") };
  if (field("errorId") || "text" in record) {
    // parameter_value is left out on purpose: it echoes input, which may be the secret.
    const parameter = field("parameter_name");
    const text = field("text");
    return {
      code: field("code"),
      message: parameter && text ? `${text} (parameter ${parameter})` : text,
      errorId: field("errorId"),
    };
  }
  return { excerpt: excerptOf(JSON.stringify(body)) };
}
