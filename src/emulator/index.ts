/**
 * `cybrid-id/emulator`: a local, spec-driven stand-in for Cybrid's identity API, for tests.
 * It validates requests with the spec's generated validators, answers with the spec's
 * documented examples, signs real RS256 JWTs, and misbehaves on demand (faults).
 *
 * @packageDocumentation
 */
export { startEmulator } from "./server.js";
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from "./types.js";
export type {
  Emulator,
  EmulatorClient,
  EmulatorOptions,
  EmulatorSettings,
  Fault,
  LoggedBearer,
  LoggedRequest,
} from "./types.js";
