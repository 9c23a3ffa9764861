/**
 * ERROR_CODES is the one list of the codes the SDK gives its own errors: every code string
 * written in src/ (outside the emulator, whose codes are the server's) must be one of them, so a
 * new code cannot ship undocumented. The README's Errors table lists each one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/errors/error-codes.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KNOWN = new Set<string>(Object.values(ERROR_CODES));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "emulator" ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/**
 * `code: "x"`, `code: cond ? "x" : "y"`: each string literal of a `code:` property (not those
 * passed to a call, such as the field names of `code: field("code")`).
 */
function codeLiterals(text: string): string[] {
  return [...text.matchAll(/\bcode:\s*([^,}(\n]*)(?=[,}\n])/g)].flatMap((match) =>
    [...(match[1] ?? "").matchAll(/"([^"]*)"/g)].map((literal) => literal[1] ?? ""),
  );
}

describe("ERROR_CODES", () => {
  it("holds every code string src/ gives an error", () => {
    // The scan itself must see literals, or an empty result would prove nothing.
    expect(codeLiterals('new X("m", { code: "timeout", status });')).toEqual(["timeout"]);
    const found: string[] = [];
    for (const file of sources(join(ROOT, "src"))) {
      for (const code of codeLiterals(readFileSync(file, "utf8")))
        found.push(`${relative(ROOT, file)}: ${code}`);
    }
    // src/ names codes by their constants; a literal that slipped in must at least be one.
    expect(found.filter((entry) => !KNOWN.has(entry.split(": ")[1] ?? ""))).toEqual([]);
  });

  it("the README's Errors table lists each code", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const [name, code] of Object.entries(ERROR_CODES)) {
      expect(readme).toContain(`| \`${name}\``);
      expect(readme).toContain(`\`${code}\``);
    }
  });
});
