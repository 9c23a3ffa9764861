/**
 * A throw-away copy of the project (spec, scripts, generated, src) that shares node_modules, so
 * a test can edit the spec and run the real pipeline without touching the checkout.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export function copyProject(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "cybrid-id-copy-"));
  for (const entry of [
    "spec",
    "scripts",
    "generated",
    "src",
    "package.json",
    "redocly.yaml",
    "tsconfig.json",
  ]) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
