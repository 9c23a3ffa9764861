/**
 * Forks fleet-worker.ts processes and collects what they report, for fleet.test.ts.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { WorkerConfig, WorkerMessage } from "./fleet-worker.js";

type Done = Extract<WorkerMessage, { type: "done" }>;

export interface Worker {
  index: number;
  child: ChildProcess;
  tokens: string[];
  locks: number[];
  done: Promise<Done>;
  /** Resolves when the worker exits (killed or not). */
  exited: Promise<void>;
}

const SCRIPT = fileURLToPath(new URL("./fleet-worker.ts", import.meta.url));

export async function startFleet(size: number, config: WorkerConfig): Promise<Worker[]> {
  const workers = Array.from({ length: size }, (_, index) => {
    const child = fork(SCRIPT, [JSON.stringify(config)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const worker: Worker = {
      index,
      child,
      tokens: [],
      locks: [],
      done: undefined as unknown as Promise<Done>,
      exited: new Promise((resolve) => child.once("exit", () => resolve())),
    };
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    worker.done = new Promise((resolve, reject) => {
      child.on("message", (message: WorkerMessage) => {
        if (message.type === "ready") ready();
        if (message.type === "token") worker.tokens.push(message.token);
        if (message.type === "lock") worker.locks.push(message.at);
        if (message.type === "done") resolve(message);
      });
      child.once("exit", (code, signal) =>
        reject(new Error(`worker ${index} exited (${code ?? signal}) before reporting`)),
      );
    });
    // A killed worker's done never comes; its rejection is expected and handled by the test.
    worker.done.catch(() => undefined);
    return { worker, isReady };
  });
  await Promise.all(workers.map(({ isReady }) => isReady));
  // Everyone starts together, so nobody joins after the first tokens were minted.
  for (const { worker } of workers) worker.child.send({ type: "go" });
  return workers.map(({ worker }) => worker);
}

export function stopFleet(workers: Worker[]): void {
  for (const worker of workers) if (worker.child.connected) worker.child.send({ type: "stop" });
}

export function killFleet(workers: Worker[]): void {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
