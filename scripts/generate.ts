/**
 * `npm run generate`: spec/openapi.yaml -> generated/ (types, validators, spec data).
 * `npm run generate -- --watch` regenerates on every change of the spec.
 */
import { mkdirSync, watch, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { GENERATED_DIR, renderGenerated, SPEC_PATH } from "./spec-pipeline.js";

async function generateOnce(): Promise<void> {
  const started = performance.now();
  const files = await renderGenerated();
  mkdirSync(GENERATED_DIR, { recursive: true });
  for (const [name, text] of files) writeFileSync(`${GENERATED_DIR}/${name}`, text);
  const ms = Math.round(performance.now() - started);
  console.log(`generated/ written from spec/openapi.yaml (${files.size} files, ${ms} ms)`);
}

const { values } = parseArgs({ options: { watch: { type: "boolean", default: false } } });

await generateOnce();
if (values.watch) {
  console.log("watching spec/openapi.yaml (Ctrl-C to stop)");
  let timer: NodeJS.Timeout | undefined;
  // The folder, not the file: editors that save by rename would leave a file watch on the old
  // inode. And they save in bursts (write, rename, chmod): settle before regenerating.
  watch(dirname(SPEC_PATH), (_, file) => {
    if (file !== null && file !== basename(SPEC_PATH)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      generateOnce().catch((error: unknown) => console.error(`generate failed: ${String(error)}`));
    }, 100);
  });
}
