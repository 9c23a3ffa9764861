/**
 * The package version, read from package.json at run time: the CLI runs from src/cli/ (tsx)
 * or from dist/ (built), at different depths, so walk up to the first cybrid-id package.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, "utf8")) as {
          name?: unknown;
          version?: unknown;
        };
        if (pkg.name === "cybrid-id" && typeof pkg.version === "string") return pkg.version;
      } catch {
        // unreadable: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}
