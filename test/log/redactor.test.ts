import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/log/redactor.js";

describe("Redactor", () => {
  it("blanks out every known secret and any bearer value", () => {
    const redactor = new Redactor();
    redactor.add("client-secret-123");
    redactor.add("eyJ.token.value");
    const text = "secret client-secret-123 token eyJ.token.value header Bearer abcdefghijkl";
    const clean = redactor.redact(text);
    expect(clean).not.toContain("client-secret-123");
    expect(clean).not.toContain("eyJ.token.value");
    expect(clean).not.toContain("abcdefghijkl");
    expect(clean).toContain("[redacted]");
  });

  it("ignores strings too short to be secrets", () => {
    const redactor = new Redactor();
    redactor.add("a");
    expect(redactor.redact("a cat")).toBe("a cat");
  });
});
