/**
 * The brand behind `instanceof` and `isCybridIdError`: an error of another copy of the module
 * (here a fresh import after `vi.resetModules()`; the built ESM and CJS copies are in
 * ./error-brand-builds.test.ts) is recognised as its own class and no other; callers' subclasses
 * work the ordinary way; the brand never shows in inspect, JSON or a spread.
 */
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import {
  CybridIdError,
  isCybridIdError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from "../../src/errors/cybrid-id-error.js";
import { ERROR_CODES } from "../../src/errors/error-codes.js";
import { NoUsableTokenError } from "../../src/bank-sdk/no-usable-token-error.js";

type Errors = typeof import("../../src/errors/cybrid-id-error.js");

/** A second, separate copy of the error module: its classes are other objects. */
async function otherCopy(): Promise<Errors> {
  vi.resetModules();
  const copy = (await import("../../src/errors/cybrid-id-error.js")) as Errors;
  expect(copy.ValidationError).not.toBe(ValidationError);
  return copy;
}

describe("error identity by brand", () => {
  it("an error of another copy is an instance of this copy's class and its parents, both ways", async () => {
    const other = await otherCopy();
    const theirs = new other.ValidationError("Invalid token request", ["scopes must not be empty"]);
    expect(theirs instanceof ValidationError).toBe(true);
    expect(theirs instanceof CybridIdError).toBe(true);
    expect(theirs instanceof Error).toBe(true);
    const ours = new RateLimitError("POST /oauth/token failed with 429", { code: "rate_limited" });
    expect(ours instanceof other.RateLimitError).toBe(true);
    expect(ours instanceof other.CybridIdError).toBe(true);
    expect(other.isCybridIdError(ours, ERROR_CODES.RATE_LIMITED)).toBe(true);
  });

  it("only as its own class: a ValidationError is no RateLimitError, a base error no subclass", async () => {
    const other = await otherCopy();
    const theirs = new other.ValidationError("Invalid", ["x"]);
    expect(theirs instanceof RateLimitError).toBe(false);
    expect(theirs instanceof TimeoutError).toBe(false);
    expect(new other.CybridIdError("x", { code: "x" }) instanceof ValidationError).toBe(false);
    expect(new ValidationError("Invalid", ["x"]) instanceof other.RateLimitError).toBe(false);
  });

  it("a subclass in another entry (NoUsableTokenError) is a CybridIdError of every copy", async () => {
    const other = await otherCopy();
    const error = new NoUsableTokenError("no token", ["customers:read"]);
    expect(error instanceof other.CybridIdError).toBe(true);
    expect(error instanceof other.ValidationError).toBe(false);
    expect(error instanceof NoUsableTokenError).toBe(true);
    expect(new other.CybridIdError("x", { code: "x" }) instanceof NoUsableTokenError).toBe(false);
  });

  it("a caller's subclass: its own instances only, and still a CybridIdError", async () => {
    class MyError extends CybridIdError {
      override name = "MyError";
    }
    class MyValidationError extends ValidationError {}
    const mine = new MyError("mine", { code: "mine" });
    expect(mine instanceof MyError).toBe(true);
    expect(mine instanceof CybridIdError).toBe(true);
    expect(mine instanceof ValidationError).toBe(false);
    expect(new CybridIdError("x", { code: "x" }) instanceof MyError).toBe(false);
    expect(new ValidationError("Invalid", ["x"]) instanceof MyValidationError).toBe(false);
    const myValidation = new MyValidationError("Invalid", ["x"]);
    expect(myValidation instanceof MyValidationError).toBe(true);
    expect(myValidation.code).toBe("validation_error");
    // Recognised by another copy as what it extends.
    const other = await otherCopy();
    expect(myValidation instanceof other.ValidationError).toBe(true);
    expect(mine instanceof other.CybridIdError).toBe(true);
    expect(mine instanceof other.RateLimitError).toBe(false);
  });

  it("is false for what is not an error of ours, without throwing", () => {
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          return null;
        },
      },
    );
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const value of [
      revoked.proxy,
      undefined,
      null,
      "validation_error",
      42,
      new Error("x"),
      { code: "validation_error", name: "ValidationError" },
      throwing,
    ]) {
      expect(value instanceof CybridIdError).toBe(false);
      expect(value instanceof ValidationError).toBe(false);
      expect(isCybridIdError(value)).toBe(false);
    }
    // A prototype holds the brand but is no instance of its own class (as without a brand).
    expect(CybridIdError.prototype instanceof CybridIdError).toBe(false);
    expect(ValidationError.prototype instanceof ValidationError).toBe(false);
  });

  it("isCybridIdError narrows, and matches the code when one is given", () => {
    const error: unknown = new TimeoutError("timed out", { code: ERROR_CODES.DEADLINE_EXCEEDED });
    expect(isCybridIdError(error)).toBe(true);
    expect(isCybridIdError(error, ERROR_CODES.DEADLINE_EXCEEDED)).toBe(true);
    expect(isCybridIdError(error, ERROR_CODES.TIMEOUT)).toBe(false);
    if (isCybridIdError(error)) expect(error.attempts).toBe(0);
  });

  it("the brand never shows: not an own property, not in inspect (by default), JSON or a spread", () => {
    const error = new ValidationError("Invalid token request", ["scopes must not be empty"]);
    const brand = Symbol.for("cybrid-id.error");
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(Object.getOwnPropertySymbols({ ...error })).toEqual([]);
    expect(brand in error).toBe(true);
    expect(inspect(error)).not.toMatch(/cybrid-id\.error|Symbol/);
    expect(JSON.stringify(error)).not.toMatch(/cybrid-id\.error/);
    expect(Object.keys(error.toJSON())).not.toContain(brand.toString());
  });
});

describe("ERROR_CODES", () => {
  it("are distinct snake_case strings", () => {
    const codes = Object.values(ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it("ValidationError's default code is VALIDATION_ERROR", () => {
    expect(new ValidationError("Invalid", ["x"]).code).toBe(ERROR_CODES.VALIDATION_ERROR);
    expect(ERROR_CODES.VALIDATION_ERROR).toBe("validation_error");
  });
});
