/**
 * The consumer test's runner: build and `npm pack` in a temporary directory, list the tarball
 * and check its contents, install it into a fresh consumer project, run ./checks.ts there, clean
 * up (unless `keep`), print the summary and return the exit status (0, 1, or EXIT_CANNOT_RUN).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildAndPack,
  CannotRunError,
  createConsumerProject,
  EXIT_CANNOT_RUN,
  formatBytes,
  repoVersionOf,
  tarballProblems,
} from "../matrix/package.js";
import { consumerChecks } from "./checks.js";
import { check, checks, say } from "./report.js";

export async function runConsumerTest({ keep }: { keep: boolean }): Promise<number> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), "cybrid-id-pack-"));
  let project: string | undefined;
  try {
    const packed = await buildAndPack(work, say);
    say(
      `tarball: ${packed.name}@${packed.version}, ${formatBytes(packed.size)} packed, ` +
        `${formatBytes(packed.unpackedSize)} unpacked, ${packed.files.length} files`,
    );
    for (const file of [...packed.files].sort((a, b) => a.path.localeCompare(b.path)))
      say(`  ${formatBytes(file.size).padStart(9)}  ${file.path}`);
    await check("tarball: only what consumers need, everything package.json names", async () => {
      const problems = tarballProblems(packed);
      if (problems.length > 0) throw new Error(problems.join("\n"));
      return `${packed.files.length} files, ${formatBytes(packed.size)}`;
    });

    const extra = [
      `typescript@${repoVersionOf("typescript")}`,
      `@types/node@${repoVersionOf("@types/node")}`,
    ];
    const consumer = await createConsumerProject("cybrid-id-consumer-", packed.tarball, extra, say);
    project = consumer.dir;
    say(
      `install: ${consumer.dir}, npm install ${consumer.how}, ${(consumer.installMs / 1000).toFixed(1)} s`,
    );
    await consumerChecks(packed, consumer.dir);
  } catch (error) {
    if (error instanceof CannotRunError) {
      console.error(`\n*** consumer test: CANNOT RUN on this machine: ${error.message} ***\n`);
      return EXIT_CANNOT_RUN;
    }
    checks.push({ name: "build, pack and install", ok: false, ms: 0, detail: String(error) });
    console.error(error);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (project !== undefined) {
      if (keep) say(`kept ${project}`);
      else rmSync(project, { recursive: true, force: true });
    }
  }
  const failed = checks.filter((entry) => !entry.ok);
  say(
    `${checks.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return failed.length === 0 ? 0 : 1;
}
