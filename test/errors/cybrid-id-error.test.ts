/**
 * The error hierarchy's own contract: stable names and codes, `instanceof` along the chain,
 * and what structured logs get from JSON.stringify (fields, message, a one-line cause; no stack).
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  CybridIdError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from "../../src/errors/cybrid-id-error.js";

describe("CybridIdError", () => {
  it("keeps every detail and names the subclass", () => {
    const error = new RateLimitError("POST /oauth/token failed with 403", {
      code: "rate_limit_exceeded",
      status: 403,
      requestId: "req-1",
      retryAfter: 2000,
      attempts: 3,
    });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(CybridIdError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RateLimitError");
    expect(error).toMatchObject({ code: "rate_limit_exceeded", status: 403, retryAfter: 2000 });
    expect(error.errorId).toBeUndefined();
    expect(String(error)).toBe("RateLimitError: POST /oauth/token failed with 403");
  });

  it("names every instance from its class's prototype, not an own field", () => {
    const error = new BadRequestError("POST /oauth/token failed with 400 invalid_scope", {
      code: "invalid_scope",
    });
    expect(Object.hasOwn(BadRequestError.prototype, "name")).toBe(true);
    expect(Object.keys(error)).not.toContain("name");
    expect(error.stack).toMatch(/^BadRequestError: POST \/oauth\/token failed/);
    expect(inspect(error)).toMatch(/^BadRequestError: POST \/oauth\/token failed/);
    expect(new ValidationError("Invalid", ["x"]).name).toBe("ValidationError");
    expect(new CybridIdError("x", { code: "x" }).name).toBe("CybridIdError");
  });

  it("counts no attempts unless told (an error raised before sending)", () => {
    expect(new CybridIdError("x", { code: "x" }).attempts).toBe(0);
  });

  it("serialises to fields, message and a one-line cause, never the stack", () => {
    const cause = new Error("socket hang up");
    const error = new TimeoutError("POST /oauth/token timed out", {
      code: "timeout",
      attempts: 1,
      cause,
    });
    expect(error.cause).toBe(cause);
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(json).toEqual({
      name: "TimeoutError",
      code: "timeout",
      attempts: 1,
      message: "POST /oauth/token timed out",
      cause: "Error: socket hang up",
    });
    expect(JSON.stringify(error)).not.toContain("at ");
  });

  it("ValidationError carries its issues, in the message and in JSON", () => {
    const error = new ValidationError("Invalid token request", ["client_id is required"]);
    expect(error.code).toBe("validation_error");
    expect(error.message).toBe("Invalid token request: client_id is required");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "ValidationError",
      issues: ["client_id is required"],
    });
  });
});
