import { describe, expect, it } from "vitest";
import { parseErrorBody } from "../../src/errors/error-body.js";
import { errorFromResponse } from "../../src/errors/error-from-response.js";
import {
  AuthenticationError,
  CybridIdError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from "../../src/errors/cybrid-id-error.js";
import { createRedactor } from "../../src/log/redactor.js";

const redactor = createRedactor();

describe("parseErrorBody", () => {
  it("reads Cybrid's ErrorResponse", () => {
    expect(
      parseErrorBody(
        {
          status: 422,
          error_message: "Unknown customer",
          message_code: "no_customer",
        },
        redactor,
      ),
    ).toEqual({ code: "no_customer", message: "Unknown customer" });
  });

  it("reads the OAuth dialect", () => {
    expect(
      parseErrorBody({ error: "invalid_client", error_description: "bad" }, redactor),
    ).toMatchObject({
      code: "invalid_client",
      message: "bad",
    });
  });

  it("reads the errorId dialect and leaves parameter_value out", () => {
    const parsed = parseErrorBody(
      {
        errorId: "e-1",
        code: "INVALID",
        text: "Invalid value",
        parameter_name: "client_secret",
        parameter_value: "s3cr3t-value",
      },
      redactor,
    );
    expect(parsed).toMatchObject({ code: "INVALID", errorId: "e-1" });
    expect(JSON.stringify(parsed)).not.toContain("s3cr3t-value");
    expect(parsed.message).toBe("Invalid value (parameter client_secret)");
  });

  it("keeps an error id alone, and reads each field in any dialect's spelling", () => {
    expect(parseErrorBody({ errorId: "e-2" }, redactor)).toEqual({ errorId: "e-2" });
    expect(parseErrorBody({ error: "invalid_grant", text: "expired" }, redactor)).toMatchObject({
      code: "invalid_grant",
      message: "expired",
    });
    expect(parseErrorBody({ error: "", message_code: 5 }, redactor).excerpt).toBe(
      '{"error":"","message_code":5}',
    );
  });

  it("gives an excerpt for HTML, unknown JSON and empty bodies", () => {
    const html = parseErrorBody(`<html><body>${"Bad gateway ".repeat(40)}</body></html>`, redactor);
    expect(html.code).toBeUndefined();
    expect(html.excerpt?.startsWith("<html><body>Bad gateway")).toBe(true);
    expect(html.excerpt?.length).toBeLessThanOrEqual(121);
    expect(parseErrorBody("", redactor).excerpt).toBe("(empty body)");
    expect(parseErrorBody(undefined, redactor).excerpt).toBe("(empty body)");
    expect(parseErrorBody({ foo: 1 }, redactor).excerpt).toBe('{"foo":1}');
  });

  it("redacts every field before cutting it to its documented length", () => {
    const secrets = createRedactor();
    secrets.addClientSecret("0123456789-secret");
    const parsed = parseErrorBody(
      {
        error: `${"c".repeat(95)}0123456789-secret`,
        error_description: `${"d".repeat(495)}0123456789-secret${"d".repeat(1_000_000)}`,
      },
      secrets,
    );
    expect(parsed.code).toBe(`${"c".repeat(95)}[reda…`);
    expect(parsed.message).toBe(`${"d".repeat(495)}[reda…`);
    expect(JSON.stringify(parsed)).not.toContain("01234567");
  });
});

describe("errorFromResponse", () => {
  const base = { operation: "POST /x", requestId: "req-1", retryAfter: undefined, attempts: 1 };

  it.each([
    [401, false, AuthenticationError],
    [403, true, RateLimitError],
    [429, false, RateLimitError],
    [422, false, UnprocessableEntityError],
    [503, false, ServerError],
  ])("maps %i (rate limited: %s) to its class", (status, rateLimited, Class) => {
    const error = errorFromResponse({
      ...base,
      status,
      rateLimited,
      parsed: parseErrorBody({ error: "x" }, redactor),
    });
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(CybridIdError);
    expect(error.status).toBe(status);
    expect(error.requestId).toBe("req-1");
    expect(error.message).toContain("request id req-1");
  });

  it("names a code even when the body has none", () => {
    const error = errorFromResponse({
      ...base,
      status: 502,
      rateLimited: false,
      parsed: parseErrorBody("<h1>x</h1>", redactor),
    });
    expect(error.code).toBe("http_502");
    expect(error.bodyExcerpt).toBe("<h1>x</h1>");
    expect(error.message).toContain("unexpected body: <h1>x</h1>");
  });
});
