/**
 * `scripts/changeset-check.ts` on throwaway git repositories: a `main` with a package, a spec
 * and a source file, and a `feature` branch that changes things the way pull requests do.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkChangesets, parseChangeset } from "../../scripts/changeset-check.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = `${ROOT}test/fixtures/spec-diff`;

let repo: string;
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
const write = (path: string, text: string) => {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
};
const changeset = (name: string, bump: string, pkg = "cybrid-id") =>
  write(`.changeset/${name}.md`, `---\n"${pkg}": ${bump}\n---\n\nSomething users should know.\n`);
const useSpec = (fixture: string, side: "old" | "new") =>
  copyFileSync(`${FIXTURES}/${fixture}/${side}.yaml`, join(repo, "spec/openapi.yaml"));
const setVersion = (version: string) =>
  write("package.json", JSON.stringify({ name: "cybrid-id", version }, null, 2));
const check = () => checkChangesets(repo, "main");

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "changeset-check-"));
  git("init", "--quiet", "--initial-branch=main");
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "test");
  git("config", "commit.gpgsign", "false");
  setVersion("0.3.0");
  write("README.md", "# cybrid-id\n");
  write("src/index.ts", "export const a = 1;\n");
  write(".changeset/README.md", "# Changesets\n");
  mkdirSync(join(repo, "spec"));
  useSpec("removed-enum-value", "old");
  git("add", ".");
  git("commit", "--quiet", "-m", "initial");
  git("checkout", "--quiet", "-b", "feature");
});

afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe("changeset:check", () => {
  it("needs nothing when neither src/ nor spec/ changed", () => {
    write("README.md", "# cybrid-id\n\nMore words.\n");
    expect(check()).toMatchObject({ ok: true });
  });

  it("fails when src/ changed without a changeset, naming the files", () => {
    write("src/index.ts", "export const a = 2;\n");
    git("commit", "--quiet", "-am", "change");
    const result = check();
    expect(result.ok).toBe(false);
    expect(result.messages.join("\n")).toMatch(/src\/index\.ts[\s\S]*npx changeset/);
  });

  it("accepts a changeset, committed or not, and an empty one", () => {
    write("src/extra.ts", "export const b = 1;\n");
    changeset("brave-cats", "patch");
    expect(check()).toMatchObject({ ok: true });
    rmSync(join(repo, ".changeset/brave-cats.md"));
    write(".changeset/quiet-dogs.md", "---\n---\n\nRefactor only.\n");
    git("add", ".");
    git("commit", "--quiet", "-m", "refactor");
    expect(check()).toMatchObject({ ok: true });
  });

  it("ignores changes that landed on main after the branch point", () => {
    git("checkout", "--quiet", "main");
    write("src/index.ts", "export const a = 3;\n");
    git("commit", "--quiet", "-am", "on main");
    git("checkout", "--quiet", "feature");
    write("README.md", "# docs only\n");
    expect(check()).toMatchObject({ ok: true });
  });

  it("rejects changesets for another package or with a bogus bump", () => {
    write("src/index.ts", "export const a = 2;\n");
    changeset("wrong-name", "minor", "cybrid");
    changeset("wrong-bump", "huge");
    const text = check().messages.join("\n");
    expect(text).toContain('unknown package "cybrid"');
    expect(text).toContain('not "huge"');
  });

  it("requires the bump the spec diff suggests (minor for a breaking change while 0.x)", () => {
    useSpec("removed-enum-value", "new");
    changeset("small", "patch");
    const result = check();
    expect(result.ok).toBe(false);
    expect(result.messages.join("\n")).toMatch(/at least a minor bump[\s\S]*removed-enum-value/);
    changeset("small", "minor");
    expect(check()).toMatchObject({ ok: true });
  });

  it("requires a major bump for a breaking spec change from 1.0 on", () => {
    setVersion("1.2.0");
    git("commit", "--quiet", "-am", "1.2.0");
    useSpec("removed-enum-value", "new");
    changeset("release", "minor");
    expect(check().messages.join("\n")).toContain("at least a major bump");
    changeset("release", "major");
    expect(check()).toMatchObject({ ok: true });
  });

  it("requires a minor bump for a spec addition", () => {
    setVersion("1.2.0");
    git("commit", "--quiet", "-am", "1.2.0");
    git("branch", "--quiet", "-f", "main");
    // Every fixture's old.yaml is the same base spec, the one `main` already has.
    copyFileSync(`${FIXTURES}/new-operation/new.yaml`, join(repo, "spec/openapi.yaml"));
    changeset("jwks", "patch");
    expect(check().messages.join("\n")).toContain("at least a minor bump");
  });

  it("throws on a base ref that does not exist", () => {
    expect(() => checkChangesets(repo, "origin/nope")).toThrow(/merge base/);
  });

  it("runs as a CLI with the base ref from the argument or CHANGESET_BASE", () => {
    write("src/index.ts", "export const a = 2;\n");
    const tsx = `${ROOT}node_modules/.bin/tsx`;
    const script = `${ROOT}scripts/changeset-check.ts`;
    const run = (args: string[], env: Record<string, string> = {}) => {
      try {
        execFileSync(tsx, [script, ...args], {
          cwd: repo,
          env: { ...process.env, GITHUB_BASE_REF: "", ...env },
          stdio: "pipe",
        });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    };
    expect(run(["main"])).toBe(1);
    expect(run([], { CHANGESET_BASE: "does-not-exist" })).toBe(2);
    changeset("fix", "patch");
    expect(run([], { CHANGESET_BASE: "main" })).toBe(0);
  });
});

describe("parseChangeset", () => {
  it("reads the front matter, empty or not", () => {
    expect(parseChangeset('---\n"cybrid-id": minor\n---\n\nText\n')).toEqual({
      "cybrid-id": "minor",
    });
    expect(parseChangeset("---\n---\n\nNothing to release\n")).toEqual({});
    expect(() => parseChangeset("no front matter")).toThrow();
  });
});
