/**
 * `npm run changeset:check [base-ref]` — fail a pull request that changes `src/` or `spec/`
 * without a changeset, or whose changesets declare a smaller bump than the spec diff needs.
 *
 * Why not `changeset status --since`: in a single-package repo every file belongs to the
 * package, so a README typo would demand a changeset, and it knows nothing about the spec.
 *
 * Base ref: the argument, else $CHANGESET_BASE, else `origin/$GITHUB_BASE_REF` (set by GitHub
 * on pull_request events), else `origin/main`. Files are compared from the merge base to the
 * working tree, so uncommitted changesets count locally; CI must fetch history (fetch-depth 0).
 * An empty changeset (`npx changeset --empty`) is the explicit "no release needed".
 *
 * Exit status: 0 fine, 1 changeset missing or too small, 2 git or usage error.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import {
  bumpForVersion,
  bumpRank,
  diffSpecs,
  formatReport,
  suggestBump,
} from "./spec-diff/index.js";
import type { Bump } from "./spec-diff/index.js";
import { SPEC_PATH, specAtRef } from "./spec-diff/cli.js";

/** Paths whose changes reach users and so need a changeset. */
const WATCHED = /^(src|spec)\//;
const CHANGESET = /^\.changeset\/(?!README\.md$)[^/]+\.md$/;

export interface CheckResult {
  ok: boolean;
  messages: string[];
}

const git = (cwd: string, args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const lines = (text: string) => text.split("\n").filter((l) => l.length > 0);

/** The bumps a changeset file declares, by package name (`{}` for an empty changeset). */
export function parseChangeset(text: string): Record<string, string> {
  const match = /^---\r?\n([\s\S]*?)\r?\n?---/.exec(text);
  if (!match) throw new Error("no front matter (--- ... ---)");
  const data: unknown = parse(match[1] ?? "");
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) throw new Error("front matter is not a map");
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
}

export function checkChangesets(cwd: string, base: string): CheckResult {
  const messages: string[] = [];
  let mergeBase: string;
  try {
    mergeBase = git(cwd, ["merge-base", base, "HEAD"]).trim();
  } catch {
    throw new Error(`cannot find the merge base of ${base} and HEAD (shallow clone? fetch it)`);
  }
  const changed = [
    ...lines(git(cwd, ["diff", "--name-only", "--no-renames", mergeBase])),
    ...lines(git(cwd, ["ls-files", "--others", "--exclude-standard"])),
  ];
  const watched = changed.filter((f) => WATCHED.test(f));
  if (watched.length === 0) {
    return { ok: true, messages: [`No changes under src/ or spec/ since ${base}.`] };
  }
  const files = changed.filter((f) => CHANGESET.test(f) && existsSync(join(cwd, f)));
  if (files.length === 0) {
    const list = watched.slice(0, 10).map((f) => `  ${f}`);
    const more = watched.length > 10 ? [`  … and ${watched.length - 10} more`] : [];
    return {
      ok: false,
      messages: [
        `These changes since ${base} need a changeset:`,
        ...list,
        ...more,
        "Run `npx changeset` (or `npx changeset --empty` if nothing should be released).",
      ],
    };
  }

  const pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  let declared: Bump = "none";
  let ok = true;
  for (const file of files) {
    let bumps: Record<string, string>;
    try {
      bumps = parseChangeset(readFileSync(join(cwd, file), "utf8"));
    } catch (e) {
      messages.push(`${file}: ${(e as Error).message}`);
      ok = false;
      continue;
    }
    for (const [name, bump] of Object.entries(bumps)) {
      if (name !== pkg.name) {
        messages.push(`${file}: unknown package "${name}" (this repo publishes "${pkg.name}")`);
        ok = false;
      } else if (bump !== "major" && bump !== "minor" && bump !== "patch") {
        messages.push(`${file}: bump must be major, minor or patch, not "${bump}"`);
        ok = false;
      } else if (bumpRank(bump) > bumpRank(declared)) declared = bump;
    }
  }
  messages.push(`Changesets: ${files.join(", ")} (declared bump: ${declared}).`);

  if (changed.includes(SPEC_PATH) && existsSync(join(cwd, SPEC_PATH))) {
    const oldSpec = specAtRef(mergeBase, cwd);
    if (oldSpec) {
      const newSpec = parse(readFileSync(join(cwd, SPEC_PATH), "utf8")) as Record<string, unknown>;
      const changes = diffSpecs(oldSpec, newSpec);
      const needed = bumpForVersion(suggestBump(changes), pkg.version);
      if (bumpRank(declared) < bumpRank(needed)) {
        ok = false;
        messages.push(
          `The spec changes need at least a ${needed} bump (package version ${pkg.version}):`,
          formatReport(changes),
        );
      }
    }
  }
  return { ok, messages };
}

function main(): number {
  const fromGithub = process.env.GITHUB_BASE_REF ? `origin/${process.env.GITHUB_BASE_REF}` : "";
  const base = process.argv[2] || process.env.CHANGESET_BASE || fromGithub || "origin/main";
  try {
    const { ok, messages } = checkChangesets(process.cwd(), base);
    (ok ? console.log : console.error)(messages.join("\n"));
    return ok ? 0 : 1;
  } catch (e) {
    console.error(`changeset:check: ${(e as Error).message}`);
    return 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main();
}
