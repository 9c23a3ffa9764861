/**
 * The smoke suite's entry in the browser: esbuild bundles it, with the PACKED package's ESM
 * main entry and openapi-fetch, into one file that scripts/runtime-matrix.ts serves to headless
 * Chromium. The page's query string carries the emulator's and the control server's URLs; the
 * result is `window.__smoke` (a promise).
 */
import * as sdk from "cybrid-id";
import { runtimeInfo, smoke } from "./smoke.mjs";

const params = new URLSearchParams(location.search);
window.__smoke = smoke({
  sdk,
  emulatorUrl: params.get("emulator"),
  controlUrl: params.get("control"),
  clientId: params.get("clientId"),
  clientSecret: params.get("clientSecret"),
}).then((steps) => ({ ...runtimeInfo(), steps }));
