/**
 * Fails when generated/ is not what spec/openapi.yaml produces: somebody edited the spec
 * without regenerating, or edited generated/ by hand.
 */
import { existsSync, readFileSync } from "node:fs";
import { GENERATED_DIR, renderGenerated } from "./spec-pipeline.js";

const stale: string[] = [];
for (const [name, expected] of await renderGenerated()) {
  const path = `${GENERATED_DIR}/${name}`;
  const actual = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (actual !== expected) stale.push(actual === undefined ? `${name} (missing)` : name);
}
if (stale.length > 0) {
  console.error(
    `generated/ is stale: ${stale.join(", ")} differ from what spec/openapi.yaml produces.\n` +
      "Fix: run `npm run generate` and commit generated/ (never edit it by hand).",
  );
  process.exit(1);
}
console.log("generated/ is fresh");
