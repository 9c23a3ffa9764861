/**
 * Cybrid's environments in one place: the identity API (IdP) base URLs, and for each the API
 * origins its bank tokens are for. cybrid.fetch and cybrid.middleware send the token to these
 * origins only (plus the `apiOrigins` option), so that a token of one environment never goes
 * to the other, nor anywhere else. Every host of Cybrid's is `<service>.<environment>.cybrid.app`.
 */

const ENVIRONMENTS = ["sandbox", "production"];

const cybridUrl = (service: string, environment: string) =>
  `https://${service}.${environment}.cybrid.app`;

/** The sandbox identity API (https://id.sandbox.cybrid.app): the default `baseUrl`. */
export const SANDBOX_ID_URL = cybridUrl("id", "sandbox");
/** The production identity API (https://id.production.cybrid.app). */
export const PRODUCTION_ID_URL = cybridUrl("id", "production");

export const DEFAULT_BASE_URL = SANDBOX_ID_URL;

/** Whether a URL's `hostname` is loopback, where plain http is allowed (the emulator). */
export function isLoopback(hostname: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(hostname);
}

/**
 * The origins a client of `baseUrl` may send its bank token to by default: Cybrid's bank and
 * organization APIs of that environment; on loopback (the emulator, which serves the API
 * too) `baseUrl`'s own origin; none for any other IdP (only what `apiOrigins` names).
 */
export function defaultApiOrigins(baseUrl: string): readonly string[] {
  const { origin, hostname } = new URL(baseUrl);
  if (isLoopback(hostname)) return [origin];
  const environment = ENVIRONMENTS.find((name) => origin === cybridUrl("id", name));
  return environment ? ["bank", "organization"].map((api) => cybridUrl(api, environment)) : [];
}

/**
 * An environment variable, or undefined where there is no environment or reading it is not
 * allowed (browsers; Deno without --allow-env throws NotCapable).
 */
export function readEnv(name: string): string | undefined {
  try {
    const value = globalThis.process?.env?.[name];
    return value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}
