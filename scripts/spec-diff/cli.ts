/**
 * `npm run spec:diff` — classify the changes to spec/openapi.yaml against the last release.
 *
 *   tsx scripts/spec-diff/cli.ts old.yaml new.yaml   compare two files
 *   tsx scripts/spec-diff/cli.ts [new.yaml]          compare with the baseline spec (below)
 *   options: --base <git-ref> (pick the baseline), --json (machine-readable output)
 *
 * Baseline, in order: the latest tag `v*` reachable from HEAD (changesets tags single-package
 * releases `v<version>`, so that is the last released spec); without a tag, `origin/main`
 * (what a pull request is merged into); without a remote, `HEAD~`. A baseline that has no
 * spec/openapi.yaml counts as "nothing released yet" and passes.
 *
 * Exit status: 0 compatible, 1 breaking changes, 2 usage or git errors.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { diffSpecs, formatReport, suggestBump } from "./index.js";
import type { Json } from "./types.js";

export const SPEC_PATH = "spec/openapi.yaml";

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

/** The git ref of the last released spec (see the file comment for the order). */
export function defaultBaseRef(cwd = process.cwd()): string | undefined {
  const tag = git(cwd, ["describe", "--tags", "--abbrev=0", "--match", "v*", "HEAD"])?.trim();
  if (tag) return tag;
  for (const ref of ["origin/main", "HEAD~"]) {
    if (git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])) return ref;
  }
  return undefined;
}

/** The spec at `ref`, or undefined when the ref has no spec (first release). */
export function specAtRef(ref: string, cwd = process.cwd(), path = SPEC_PATH): Json | undefined {
  const text = git(cwd, ["show", `${ref}:${path}`]);
  return text === undefined ? undefined : (parse(text) as Json);
}

export const readSpecFile = (path: string): Json => parse(readFileSync(path, "utf8")) as Json;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { base: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length > 2 || (positionals.length === 2 && values.base)) {
    console.error("usage: spec-diff [old.yaml new.yaml] | [--base <git-ref>] [new.yaml] [--json]");
    return 2;
  }
  let oldDoc: Json | undefined;
  let label: string;
  const [first, second] = positionals;
  if (first !== undefined && second !== undefined) {
    oldDoc = readSpecFile(first);
    label = first;
  } else {
    const ref = values.base ?? defaultBaseRef();
    if (!ref) {
      console.error(
        "spec-diff: no baseline (no v* tag, no origin/main, no HEAD~); nothing to compare",
      );
      return 0;
    }
    oldDoc = specAtRef(ref);
    label = `${ref}:${SPEC_PATH}`;
    if (!oldDoc) {
      console.log(`spec-diff: ${label} does not exist; nothing released to compare with.`);
      return 0;
    }
  }
  const newPath = second ?? first ?? SPEC_PATH;
  const changes = diffSpecs(oldDoc, readSpecFile(newPath));
  if (values.json) {
    console.log(JSON.stringify({ base: label, bump: suggestBump(changes), changes }, null, 2));
  } else {
    console.log(`Comparing ${label} -> ${newPath}\n`);
    console.log(formatReport(changes));
  }
  return changes.some((c) => c.severity === "breaking") ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
