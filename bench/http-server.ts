/**
 * The server the request benchmarks talk to: node:http answering 200 with a 12-byte JSON body,
 * in a child process (so its work runs on the other core, not inside the measured event loop).
 *
 * Why not the emulator: its protected route (/api/customer_tokens) verifies the bearer JWT and
 * signs a new RS256 token on every request, and it logs every request; that is milliseconds of
 * crypto and bookkeeping per call, which would drown the microseconds the SDK adds. Only the
 * token comes from the emulator (once: the benchmarks run on a warm cache).
 */
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export const TINY_PATH = "/ping";
const BODY = '{"ok":true}\n';

function serve(): void {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(BODY),
      });
      response.end(BODY);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  // The parent going away (even killed) ends us too.
  process.on("disconnect", () => process.exit(0));
}

export interface TinyServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the server in a child process (it inherits this process's loader flags, e.g. tsx). */
export function startTinyServer(): Promise<TinyServer> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`tiny server exited (${code})`)));
    child.once("message", (message) => {
      const { port } = message as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            child.removeAllListeners("exit");
            child.once("exit", () => done());
            child.kill();
          }),
      });
    });
  });
}

if (process.argv.includes("--serve") && process.argv[1] === fileURLToPath(import.meta.url)) serve();
