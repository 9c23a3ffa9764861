/** `npm test` must fail, naming the fix, when generated/ no longer matches the spec. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject } from "./project-copy.js";

describe("check-generated", () => {
  let project: ReturnType<typeof copyProject>;
  const run = () =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/check-generated.ts"], {
      cwd: project.dir,
      encoding: "utf8",
    });

  beforeAll(() => {
    project = copyProject();
  });
  afterAll(() => project?.remove());

  it("passes on the committed output", () => {
    const result = run();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("fails with the fix when a line of generated/ is removed by hand", () => {
    const path = join(project.dir, "generated/openapi.d.ts");
    const lines = readFileSync(path, "utf8").split("\n");
    lines.splice(20, 1);
    writeFileSync(path, lines.join("\n"));
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("openapi.d.ts");
    expect(result.stderr).toContain("npm run generate");
  });
});
