/**
 * The emulator a matrix runtime talks to (scripts/runtime-matrix.ts), a fresh one per runtime,
 * plus the loopback control server the smoke suite drives it through (GET /count, POST /inject),
 * with CORS headers so the browser run can reach it too.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator, EmulatorOptions, Fault } from "../../src/emulator/index.js";

// The emulator (from the packed package) and the control server the suite drives it through.

export type StartEmulator = (options?: EmulatorOptions) => Promise<Emulator>;

export interface Harness {
  emulator: Emulator;
  controlUrl: string;
  close(): Promise<void>;
}

export async function startHarness(startEmulator: StartEmulator): Promise<Harness> {
  const emulator = await startEmulator({ cors: true, tokenTtlSeconds: 600 });
  const control: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, {
        "content-type": "application/json",
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": "content-type",
      });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? "/", "http://control");
    if (request.method === "OPTIONS") return send(204, {});
    if (request.method === "GET" && url.pathname === "/count")
      return send(200, { count: emulator.count(url.searchParams.get("path") ?? undefined) });
    if (request.method === "POST" && url.pathname === "/inject") {
      let body = "";
      request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        try {
          emulator.inject(JSON.parse(body) as Fault);
          send(200, { ok: true });
        } catch (error) {
          send(400, { error: String(error) });
        }
      });
      return;
    }
    send(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  const { port } = control.address() as AddressInfo;
  return {
    emulator,
    controlUrl: `http://127.0.0.1:${port}`,
    async close() {
      control.closeAllConnections();
      await new Promise((resolve) => control.close(resolve));
      await emulator.close();
    },
  };
}
