/**
 * `npm run bench`: runs every benchmark on loopback, prints one table (each figure beside its
 * baseline, measured in the same run) and writes bench/results.json.
 *
 *   tsx bench/run.ts            the suite, then the table and results.json
 *   tsx bench/run.ts --json     the same, plus the results on stdout as JSON
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../src/emulator/index.js";
import { createCybridId } from "../src/index.js";
import { benchBurst } from "./burst.js";
import { benchColdStart } from "./cold-start.js";
import { benchGetToken } from "./get-token.js";
import { startTinyServer } from "./http-server.js";
import { benchRequests } from "./requests.js";
import { benchSize } from "./size.js";
import { benchStampede } from "./stampede.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const RESULTS_PATH = `${ROOT}bench/results.json`;
const TIMEOUT = 10_000;

/** A hash of everything the figures depend on, so a check can tell whether results are fresh. */
export function fingerprint(): string {
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const name of readdirSync(`${ROOT}${dir}`).sort()) {
      const path = `${dir}/${name}`;
      if (path.startsWith("bench/results.json")) continue;
      if (statSync(`${ROOT}${path}`).isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(`${ROOT}${path}`));
    }
  };
  for (const dir of ["src", "generated", "bench"]) walk(dir);
  hash.update(readFileSync(`${ROOT}package-lock.json`));
  return hash.digest("hex").slice(0, 16);
}

export type Results = Awaited<ReturnType<typeof runSuite>>;

export async function runSuite(log: (line: string) => void = (line) => console.error(line)) {
  const started = performance.now();
  const emulator = await startEmulator();
  const tiny = await startTinyServer();
  try {
    const cybrid = createCybridId({
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      baseUrl: emulator.url,
      timeout: TIMEOUT,
      // The tiny server is on another port than the emulator (the IdP): allow it explicitly.
      apiOrigins: [tiny.url],
    });
    await cybrid.getToken();
    log("bench: requests (interleaved rounds)...");
    const requests = await benchRequests({ cybrid, url: tiny.url, timeout: TIMEOUT });
    log("bench: getToken on a warm cache...");
    const getToken = await benchGetToken(cybrid);
    log("bench: cold stampede...");
    const stampede = await benchStampede(emulator);
    log("bench: burst of 400 customers at 40/s, paced and unpaced...");
    const burst = await benchBurst(400, 40);
    log("bench: burst of 2,000 customers at 20/s, paced and unpaced (about 2 minutes)...");
    const largeBurst = await benchBurst(2_000, 20);
    log("bench: size...");
    const size = await benchSize();
    log("bench: cold start...");
    const coldStart = await benchColdStart();
    return {
      generatedAt: new Date().toISOString(),
      fingerprint: fingerprint(),
      machine: {
        cpus: availableParallelism(),
        cpu: cpus()[0]?.model ?? "unknown",
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      },
      suiteSeconds: Math.round((performance.now() - started) / 100) / 10,
      requests,
      getToken,
      stampede,
      burst,
      largeBurst,
      size,
      coldStart,
    };
  } finally {
    await tiny.close();
    await emulator.close();
  }
}

export function writeResults(results: Results): void {
  const tmp = `${RESULTS_PATH}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(tmp, RESULTS_PATH);
}

/** kB as size-limit counts them (and the budget is set): 1,000 bytes. */
const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
const x = (ratio: number) => `${ratio.toFixed(3)}x`;

/** The table: what, ours, baseline, ratio. */
export function formatTable(r: Results): string {
  const q = r.requests;
  const rows: [string, string, string, string][] = [
    ["benchmark", "cybrid-id", "baseline", "ratio"],
    [
      "cybrid.fetch vs fetch+fixed header+AbortSignal.timeout",
      `${q.usPerRequest.sdkFetch} us/req`,
      `${q.usPerRequest.handFetch} us/req`,
      x(q.fetchRatio.ratio),
    ],
    [
      "openapi-fetch+cybrid.middleware vs +fixed-header middleware",
      `${q.usPerRequest.sdkMiddleware} us/req`,
      `${q.usPerRequest.handMiddleware} us/req`,
      x(q.middlewareRatio.ratio),
    ],
    [
      "  (info) cybrid.fetch vs plain fetch, no timeout",
      `${q.usPerRequest.sdkFetch} us/req`,
      `${q.usPerRequest.plainFetch} us/req`,
      x(q.info.sdkFetchVsPlain.ratio),
    ],
    [
      "  (info) hand fetch+timeout vs plain fetch",
      `${q.usPerRequest.handFetch} us/req`,
      `${q.usPerRequest.plainFetch} us/req`,
      x(q.info.handFetchVsPlain.ratio),
    ],
    [
      "  (info) openapi-fetch+cybrid.middleware vs plain fetch",
      `${q.usPerRequest.sdkMiddleware} us/req`,
      `${q.usPerRequest.plainFetch} us/req`,
      x(q.info.sdkMiddlewareVsPlain.ratio),
    ],
    [
      "  (info) openapi-fetch+fixed middleware vs plain fetch",
      `${q.usPerRequest.handMiddleware} us/req`,
      `${q.usPerRequest.plainFetch} us/req`,
      x(q.info.handMiddlewareVsPlain.ratio),
    ],
    [
      "getToken() warm vs await of a resolved promise",
      `${r.getToken.nsPerCall.getToken} ns`,
      `${r.getToken.nsPerCall.bareAwait} ns`,
      x(r.getToken.ratio),
    ],
    [
      "  (info) await + one Date.now() vs await (clock-read floor)",
      `${r.getToken.nsPerCall.awaitPlusClock} ns`,
      `${r.getToken.nsPerCall.bareAwait} ns`,
      x(r.getToken.clockFloorRatio),
    ],
    [
      "getToken() warm vs await + one Date.now() (the budget)",
      `${r.getToken.nsPerCall.getToken} ns`,
      `${r.getToken.nsPerCall.awaitPlusClock} ns`,
      x(r.getToken.vsClockFloorRatio),
    ],
    [
      `cold stampede, ${r.stampede.callers} callers: token requests`,
      `${r.stampede.maxRequests} (max of ${r.stampede.repetitions})`,
      "1",
      "",
    ],
    [
      "cold stampede: time until all served (median)",
      `${r.stampede.msUntilAllServed.median} ms`,
      "",
      "",
    ],
    ...[r.burst, r.largeBurst].flatMap((b): [string, string, string, string][] => [
      [
        `burst of ${b.n} customers at ${b.ratePerSecond}/s: failed calls (paced vs unpaced)`,
        `${b.paced.failures}`,
        `${b.unpaced.failures}`,
        "",
      ],
      [
        `  requests (budget ${b.budget.requests})`,
        `${b.paced.requests}`,
        `${b.unpaced.requests}`,
        x(b.paced.requests / b.n),
      ],
      [
        `  time until all settled (budget ${b.budget.ms} ms, physical ${b.physicalMs} ms)`,
        `${b.paced.ms} ms`,
        `${b.unpaced.ms} ms`,
        x(b.paced.ms / b.physicalMs),
      ],
    ]),
    ["size, min+gzip (openapi-fetch included)", kB(r.size.main.gzip), "budget 12.00 kB", ""],
    ["  openapi-fetch alone", kB(r.size.openapiFetch.gzip), "", ""],
    ["  cybrid-id without openapi-fetch", kB(r.size.mainWithoutOpenapiFetch.gzip), "", ""],
    ["  oauth4webapi", kB(r.size.oauth4webapi.gzip), "", ""],
    ["  openid-client", kB(r.size.openidClient.gzip), "", ""],
    [
      "cold start: import() in a fresh process vs openapi-fetch",
      `${r.coldStart.importMs.ours} ms`,
      `${r.coldStart.importMs.openapiFetch} ms`,
      x(r.coldStart.ratio),
    ],
    [
      "  (info) whole process, spawn to exit",
      `${r.coldStart.processMs.ours} ms`,
      `${r.coldStart.processMs.openapiFetch} ms`,
      x(r.coldStart.processMs.ratio),
    ],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)));
  const body = rows.map((row) => `| ${line(row).join(" | ")} |`);
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const m = r.machine;
  return [
    body[0],
    rule,
    ...body.slice(1),
    "",
    `machine: ${m.cpus} CPUs (${m.cpu}), node ${m.node}, ${m.platform}; ` +
      `requests: ${q.rounds} rounds of ${q.batch} requests (${q.inFlight} in flight); ` +
      `getToken: ${r.getToken.rounds} rounds of ${r.getToken.callsPerSample} calls; ` +
      `cold start: ${r.coldStart.runs} runs each; suite ${r.suiteSeconds} s`,
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await runSuite();
  writeResults(results);
  console.log(formatTable(results));
  if (process.argv.includes("--json")) console.log(JSON.stringify(results, null, 2));
  console.error(`bench: wrote ${RESULTS_PATH}`);
}
