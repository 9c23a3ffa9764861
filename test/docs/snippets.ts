/**
 * The code blocks of README.md and docs-src/guide.md, as the snippet test runs them. A fence's
 * info string is its language and then tags that say how the block is checked:
 *
 * | fence                | checked by                                                        |
 * | -------------------- | ----------------------------------------------------------------- |
 * | `ts`                 | type-checked (strict, NodeNext and bundler) and run against the   |
 * |                      | emulator with tsx: it must exit 0                                 |
 * | `ts vitest`          | type-checked, then run as a vitest test file                      |
 * | `ts no-run`          | type-checked only: it calls Cybrid's live bank API                |
 * | `sh`                 | run with bash -e in the repository, against the emulator          |
 * | `sh background`      | started and left running (`npx cybrid-id serve`); the `export`    |
 * |                      | lines it prints become the environment of the blocks after it     |
 * | `ts listing`, `sh listing`, `text` | not run: a signature listing, install or build      |
 * |                      | commands (run by CI itself, or by the consumer test), a diagram   |
 *
 * A block without a language fails the test: every block must say what it is.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type SnippetMode = "run" | "vitest" | "no-run" | "shell" | "background" | "listing";

export interface Snippet {
  /** `README.md:31`: where the fence opens. */
  readonly where: string;
  /** A file name made of `where`, for the extracted copy. */
  readonly slug: string;
  readonly language: string;
  readonly mode: SnippetMode;
  readonly code: string;
}

const MODES: Record<string, Partial<Record<string, SnippetMode>>> = {
  ts: { "": "run", vitest: "vitest", "no-run": "no-run", listing: "listing" },
  sh: { "": "shell", background: "background", listing: "listing" },
  text: { "": "listing" },
};

/** Every fenced block of `file` (relative to `root`), in document order. */
export function extractSnippets(root: string, file: string): Snippet[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(.*)$/.exec(lines[index] ?? "");
    if (!open) continue;
    const [language = "", tag = "", ...rest] = (open[1] ?? "").trim().split(/\s+/);
    const where = `${file}:${index + 1}`;
    const mode = MODES[language]?.[tag];
    if (mode === undefined || rest.length > 0) {
      throw new Error(
        `${where}: a code block opened with "${lines[index]}": give it a language and at most ` +
          `one tag (${Object.entries(MODES)
            .map(([lang, tags]) => Object.keys(tags).map((t) => `${lang} ${t}`.trim()))
            .flat()
            .join(", ")}); see test/docs/snippets.ts`,
      );
    }
    const body: string[] = [];
    for (index++; index < lines.length && lines[index] !== "```"; index++)
      body.push(lines[index] ?? "");
    const slug = where.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
    snippets.push({ where, slug, language, mode, code: `${body.join("\n")}\n` });
  }
  return snippets;
}

/** `export K=V` lines (as `cybrid-id serve` prints them) as an environment. */
export function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^\s*export ([A-Z_][A-Z0-9_]*)=(.*)$/gm)) {
    const [, name = "", raw = ""] = match;
    env[name] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw;
  }
  return env;
}
