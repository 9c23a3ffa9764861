/**
 * The smoke suite's entry on Node, Bun and Deno: run as a child of scripts/runtime-matrix.ts
 * from a project where the PACKED package is installed, so `cybrid-id` resolves to the tarball.
 * Prints one line `SMOKE_RESULT {json}` and exits 0 when every step passed.
 *
 * Env: MATRIX_EMULATOR_URL, MATRIX_CONTROL_URL, MATRIX_CLIENT_ID, MATRIX_CLIENT_SECRET.
 */
import * as sdk from "cybrid-id";
import { runtimeInfo, smoke } from "./smoke.mjs";

const env = globalThis.process?.env ?? {};
const steps = await smoke({
  sdk,
  emulatorUrl: env.MATRIX_EMULATOR_URL,
  controlUrl: env.MATRIX_CONTROL_URL,
  clientId: env.MATRIX_CLIENT_ID,
  clientSecret: env.MATRIX_CLIENT_SECRET,
});
console.log(`SMOKE_RESULT ${JSON.stringify({ ...runtimeInfo(), steps })}`);
if (steps.some((step) => !step.ok)) globalThis.process.exitCode = 1;
