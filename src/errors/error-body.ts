/**
 * Reads the three error dialects a token endpoint may answer with into one shape:
 * - Cybrid's `ErrorResponse`: `{ status, error_message, message_code }`
 * - OAuth 2.0 (RFC 6749 5.2): `{ error, error_description }`
 * - the `errorId` dialect (seed 004): `{ errorId, code, text, parameter_name, parameter_value }`
 * Anything else (HTML from a proxy, an empty body) still yields a short excerpt.
 */

export interface ParsedErrorBody {
  code: string | undefined;
  message: string | undefined;
  errorId: string | undefined;
  /** Set when the body was not one of the dialects: the first characters, whitespace folded. */
  excerpt: string | undefined;
}

const EXCERPT_LENGTH = 120;

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Folds whitespace and cuts a raw body down to something fit for one log line. */
export function excerptOf(text: string): string {
  const folded = text.replace(/\s+/g, " ").trim();
  return folded.length > EXCERPT_LENGTH ? `${folded.slice(0, EXCERPT_LENGTH)}…` : folded;
}

/** `body` is what openapi-fetch produced: parsed JSON when it could, else the raw text. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const cybridCode = stringField(record, "message_code");
    if (cybridCode !== undefined || "error_message" in record) {
      return {
        code: cybridCode,
        message: stringField(record, "error_message"),
        errorId: undefined,
        excerpt: undefined,
      };
    }
    const oauthCode = stringField(record, "error");
    if (oauthCode !== undefined) {
      return {
        code: oauthCode,
        message: stringField(record, "error_description"),
        errorId: undefined,
        excerpt: undefined,
      };
    }
    const errorId = stringField(record, "errorId");
    if (errorId !== undefined || "text" in record) {
      // parameter_value is left out on purpose: it echoes input, which may be the secret.
      const parameter = stringField(record, "parameter_name");
      const text = stringField(record, "text");
      return {
        code: stringField(record, "code"),
        message: parameter && text ? `${text} (parameter ${parameter})` : text,
        errorId,
        excerpt: undefined,
      };
    }
    return {
      code: undefined,
      message: undefined,
      errorId: undefined,
      excerpt: excerptOf(JSON.stringify(body)),
    };
  }
  const text = typeof body === "string" ? body : "";
  return {
    code: undefined,
    message: undefined,
    errorId: undefined,
    excerpt: text.trim() === "" ? "(empty body)" : excerptOf(text),
  };
}
