/**
 * No import cycles in src/, type imports included: not between files, and not between folders
 * (a folder that imports another must not be imported by it, directly or around a loop). The
 * engine's layers read top to bottom only if nothing below reaches back up.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative `import`/`export ... from` of a file (types too), as the files they name. */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)];
  return specifiers.map((match) =>
    resolve(dirname(file), (match[1] ?? "").replace(/\.js$/, ".ts")),
  );
}

/** The cycles of a directed graph, each as the path around it. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

const files = sourceFiles(SRC);
const fileGraph = new Map(
  files.map((file) => [
    relative(SRC, file),
    importsOf(file, readFileSync(file, "utf8"))
      .filter((target) => files.includes(target))
      .map((target) => relative(SRC, target)),
  ]),
);
const folderGraph = new Map<string, string[]>();
for (const [file, targets] of fileGraph) {
  const from = dirname(file);
  const edges = folderGraph.get(from) ?? [];
  for (const to of targets.map(dirname)) if (to !== from && !edges.includes(to)) edges.push(to);
  folderGraph.set(from, edges);
}

describe("import cycles in src/", () => {
  it("finds a cycle when there is one (the check can fail)", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
    ]);
    expect(cyclesOf(graph)).toEqual([["a", "b", "c", "a"]]);
    expect(importsOf("/x/a.ts", 'import type { T } from "../y/b.js";')).toEqual(["/y/b.ts"]);
  });

  it("none between files", () => {
    expect(fileGraph.size).toBeGreaterThan(50);
    expect(cyclesOf(fileGraph).map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  it("none between folders", () => {
    const cycles = cyclesOf(folderGraph).map((cycle) => cycle.join(" -> "));
    // For each cycle, the imports that make it, so the fix is obvious.
    const why =
      cycles.length === 0
        ? []
        : [...fileGraph].flatMap(([file, targets]) =>
            targets
              .filter((target) => dirname(target) !== dirname(file))
              .filter((target) => folderGraph.get(dirname(target))?.includes(dirname(file)))
              .map((target) => `${file} -> ${target}`),
          );
    expect({ cycles, why }).toEqual({ cycles: [], why: [] });
  });
});
