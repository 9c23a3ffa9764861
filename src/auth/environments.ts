/**
 * Cybrid's environments in one place: the identity API (IdP) base URLs, and for each the API
 * origins its bank tokens are for. cybrid.fetch and cybrid.middleware send the token to these
 * origins only (plus the `apiOrigins` option), so that a token of one environment never goes
 * to the other, nor anywhere else.
 */

/** The sandbox identity API: the default `baseUrl`. */
export const SANDBOX_ID_URL = "https://id.sandbox.cybrid.app";
/** The production identity API. */
export const PRODUCTION_ID_URL = "https://id.production.cybrid.app";

export const DEFAULT_BASE_URL = SANDBOX_ID_URL;

/** IdP origin -> the origins of the bank and organization APIs of the same environment. */
const API_ORIGINS: ReadonlyMap<string, readonly string[]> = new Map([
  [SANDBOX_ID_URL, ["https://bank.sandbox.cybrid.app", "https://organization.sandbox.cybrid.app"]],
  [
    PRODUCTION_ID_URL,
    ["https://bank.production.cybrid.app", "https://organization.production.cybrid.app"],
  ],
]);

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Whether a URL's `hostname` is loopback, where plain http is allowed (the emulator). */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * The origins a client of `baseUrl` may send its bank token to by default: Cybrid's bank and
 * organization APIs of that environment; on loopback (the emulator, which serves the API
 * too) `baseUrl`'s own origin; none for any other IdP (only what `apiOrigins` names).
 */
export function defaultApiOrigins(baseUrl: string): readonly string[] {
  const url = new URL(baseUrl);
  if (isLoopback(url.hostname)) return [url.origin];
  return API_ORIGINS.get(url.origin) ?? [];
}

/**
 * An environment variable, or undefined where there is no environment or reading it is not
 * allowed (browsers; Deno without --allow-env throws NotCapable).
 */
export function readEnv(name: string): string | undefined {
  try {
    const value = typeof process === "object" ? process.env?.[name] : undefined;
    return value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}
