/**
 * The package as a consumer gets it: build, `npm pack`, install the tarball into a fresh project
 * in os.tmpdir() that cannot see the source tree, and there
 *
 *   - check the tarball ships dist/, README.md, LICENSE, package.json (CHANGELOG.md) and nothing
 *     else, that every file package.json points at is in it, and print its size;
 *   - `import` and `require` `cybrid-id`, `cybrid-id/store`, `cybrid-id/redis`,
 *     `cybrid-id/emulator` and `cybrid-id/bank-sdk` (a warmed bank-SDK access token, its typed
 *     errors; a subpath entry's error recognised by the main entry's classes), and get
 *     a token from the packed emulator with the packed SDK, both ways (two clients sharing a
 *     `MemoryTokenStore` from `cybrid-id/store` make one token request);
 *   - type-check TypeScript examples against the shipped declarations (skipLibCheck off) under
 *     `moduleResolution` node16 (an .mts and a .cts file) and bundler (a Node file, and a
 *     browser file without @types/node);
 *   - run the `cybrid-id` binary: `npx cybrid-id --version`, and `cybrid-id token` against an
 *     emulator.
 *
 *   npx tsx scripts/consumer-test.ts [--keep]     (--keep: leave the temporary project)
 *
 * Exit status: 0 all good; 1 a check failed; 77 this machine cannot run it (no node_modules,
 * the registry unreachable and npm's cache lacking a dependency).
 *
 * This file is the entry only; the work is in scripts/consumer/: runner.ts (pack, install,
 * summary, exit status), checks.ts (the checks in the installed project), report.ts (the log
 * and check results), js-apps.ts and ts-examples.ts (the consumer project's files).
 */
import { runConsumerTest } from "./consumer/runner.js";

process.exitCode = await runConsumerTest({ keep: process.argv.includes("--keep") });
