import { describe, expect, it } from "vitest";
import { formUrlEncode } from "../../src/log/redactor.js";
import { basicCredentials } from "../../src/token/basic-credentials.js";
import { createRedactor } from "../../src/log/redactor.js";

describe("Redactor", () => {
  it("blanks out every known secret and any bearer value", () => {
    const redactor = createRedactor();
    redactor.addClientSecret("client-secret-123");
    redactor.add("eyJ.token.value");
    const text = "secret client-secret-123 token eyJ.token.value header Bearer abcdefghijkl";
    const clean = redactor.redact(text);
    expect(clean).not.toContain("client-secret-123");
    expect(clean).not.toContain("eyJ.token.value");
    expect(clean).not.toContain("abcdefghijkl");
    expect(clean).toContain("[redacted]");
  });

  it("blanks every secret, however short", () => {
    const redactor = createRedactor();
    redactor.add("a1");
    redactor.add("");
    expect(redactor.redact("xa1x b")).toBe("x[redacted]x b");
  });

  it("knows each secret in the encodings a server may echo it in", () => {
    const secret = 'p+a/s=s"w\\o rd&é';
    const redactor = createRedactor();
    redactor.addClientSecret(secret, basicCredentials("my client", secret));
    for (const form of [
      secret,
      formUrlEncode(secret),
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
      basicCredentials("my client", secret),
    ])
      expect(redactor.redact(`<${form}>`)).toBe("<[redacted]>");
  });

  it("blanks each run of 8 or more characters of the client secret, in any of its forms", () => {
    const secret = "Zq9x7P2kLm4/Tr8w";
    const redactor = createRedactor();
    redactor.addClientSecret(secret);
    // Cut short, split by an escape, in two places: one REDACTED a run; 7 characters are no run.
    expect(redactor.redact("a Zq9x7P2kLm... b")).toBe("a [redacted]... b");
    expect(redactor.redact("Zq9x7P2kLm4\\/Tr8w")).toBe("[redacted]\\/Tr8w");
    expect(redactor.redact("x9x7P2kLmy Lm4%2FTr8w z")).toBe("x[redacted]y [redacted] z");
    expect(redactor.redact("Zq9x7P2 and 7P2kLm4/")).toBe("Zq9x7P2 and [redacted]");
    expect(redactor.redact("nothing here")).toBe("nothing here");
  });

  it("redacts before it cuts: a secret straddling the cut is blanked whole", () => {
    const redactor = createRedactor();
    redactor.addClientSecret("straddling-secret");
    const text = `${"a".repeat(115)}straddling-secret${"b".repeat(50)}`;
    expect(redactor.redactHead(text, 120)).toBe(`${"a".repeat(115)}[reda…`);
    expect(redactor.redactHead("short", 120)).toBe("short");
  });

  it("scans only the head of a huge text, yet never a secret pulled forward by blanking", () => {
    const redactor = createRedactor();
    const token = `tok-${"t".repeat(996)}`; // 1000 characters, each blanked to 10
    redactor.add(token);
    // Blanking the tokens shrinks the text: what was far past the cut comes within it.
    const text = `${token.repeat(20)}${"x".repeat(40)}${token}${"y".repeat(20_000_000)}`;
    const started = performance.now();
    const head = redactor.redactHead(text, 300);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(head).toBe(`${"[redacted]".repeat(20)}${"x".repeat(40)}[redacted]${"y".repeat(50)}…`);
  });
});
