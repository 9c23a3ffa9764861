/**
 * The bridge to Cybrid's generated TypeScript bank SDK (`@cybrid/cybrid-api-bank-typescript`),
 * whose `Configuration.accessToken` is a SYNCHRONOUS function of `(name, scopes)` called once
 * per operation, its result put into `Authorization` as is. One awaited warm-up fetches the
 * tokens; after that the function answers from memory, and the tokens are kept fresh in the
 * background (see ./warm-token.ts).
 */
import type { CybridId } from "../client.js";
import { configError } from "../errors/config-error.js";
import type { Scope } from "../config/options.js";
import { NoUsableTokenError } from "./no-usable-token-error.js";
import { isStringArray } from "../validation/call-input.js";
import { WarmToken } from "./warm-token.js";

/** Options of {@link bankSdkAccessToken}. */
export interface BankSdkAccessTokenOptions {
  /**
   * The scopes to keep tokens warm for: one scope set (`["customers:read", "customers:write"]`,
   * one token) or several (`[["customers:read"], ["trades:execute"]]`, one token each). An
   * operation is served by the first token whose granted scopes include all of its own, so one
   * token for the union of the scopes your operations need covers them all.
   * @default the client's `scopes` option (one token, as `cybrid.getToken()` returns it)
   */
  scopes?: readonly Scope[] | readonly (readonly Scope[])[];
}

/**
 * The `accessToken` of the bank SDK's `Configuration`: returns `Bearer <token>` for the scopes
 * the operation names, or throws a {@link NoUsableTokenError}. `dispose()` stops the background
 * refresh (it never keeps a process alive anyway); calls after it throw.
 */
export type BankSdkAccessToken = ((name?: string, scopes?: readonly string[]) => string) & {
  dispose(): void;
};

const WHAT = "Invalid bankSdkAccessToken options";

/** The scope sets to warm; `undefined` stands for the client's `scopes` option. */
function scopeSetsOf(
  scopes: BankSdkAccessTokenOptions["scopes"],
): (readonly Scope[] | undefined)[] {
  if (scopes === undefined) return [undefined];
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw configError(WHAT, "scopes must be a non-empty array (or omitted for the client's)");
  }
  const list: readonly unknown[] = scopes;
  if (isStringArray(list)) return [scopes as readonly Scope[]];
  // findIndex, not every: a hole is no scope set (isStringArray says why).
  if (list.findIndex((set) => !isStringArray(set)) < 0) {
    return [...(scopes as readonly (readonly Scope[])[])];
  }
  throw configError(WHAT, "scopes must be an array of scopes, or an array of scope arrays");
}

/**
 * Makes the `accessToken` function for Cybrid's bank SDK from a cybrid-id client. Awaiting it
 * fetches a token for each scope set (rejecting with the client's error if one cannot be had);
 * after that the function is synchronous, as the bank SDK needs:
 *
 * ```ts
 * import { Configuration, CustomersBankApi } from "@cybrid/cybrid-api-bank-typescript";
 * import { createCybridId } from "cybrid-id";
 * import { bankSdkAccessToken } from "cybrid-id/bank-sdk";
 *
 * const cybrid = createCybridId({ clientId, clientSecret });
 * const accessToken = await bankSdkAccessToken(cybrid, {
 *   scopes: ["customers:read", "customers:write", "customers:execute"],
 * });
 * const customers = new CustomersBankApi(
 *   new Configuration({ basePath: "https://bank.sandbox.cybrid.app", accessToken }),
 * );
 * ```
 *
 * Each call returns `Bearer <token>` of the first warm token granted every scope the operation
 * names, while that token is usable (the client's rule: its lifetime minus min(30 s, 10%)). The
 * tokens stay fresh by themselves: the client refreshes each one in the background from 75-85%
 * of its lifetime, and the function picks the new one up, both on calls and on an unref'd
 * timer (an idle process has fresh tokens too, and still exits when it has nothing else to do).
 * With no usable token for the operation's scopes, the call throws a
 * {@link NoUsableTokenError} (`no_usable_token`) at once: it never waits, and never sends a
 * token past its usable life.
 */
export async function bankSdkAccessToken(
  cybrid: Pick<CybridId, "getToken" | "onInvalidate">,
  options: BankSdkAccessTokenOptions = {},
): Promise<BankSdkAccessToken> {
  if (typeof cybrid?.getToken !== "function" || typeof cybrid.onInvalidate !== "function") {
    throw configError(WHAT, "cybrid must be a client of createCybridId()");
  }
  const sets = scopeSetsOf(options?.scopes);
  const warm = sets.map(
    (scopes) => new WarmToken(() => cybrid.getToken(scopes === undefined ? {} : { scopes })),
  );
  // Before the warm-up: a token dropped while it is fetched is not kept either.
  const stopListening = cybrid.onInvalidate(({ accessToken }) => {
    for (const token of warm) token.drop(accessToken);
  });
  const disposeAll = () => {
    stopListening();
    for (const token of warm) token.dispose();
  };
  try {
    await Promise.all(warm.map((token) => token.warm()));
  } catch (error) {
    disposeAll();
    throw error;
  }

  let disposed = false;
  const accessToken = (_name?: string, scopes?: readonly string[]): string => {
    const asked = scopes ?? [];
    if (disposed) throw new NoUsableTokenError("bankSdkAccessToken() was disposed", asked);
    const now = Date.now();
    let expired: WarmToken | undefined;
    for (const token of warm) {
      if (!token.covers(asked)) continue;
      const usable = token.usableAt(now);
      if (usable !== undefined) return `Bearer ${usable.accessToken}`;
      expired ??= token;
    }
    throw noUsableToken(asked, expired);
  };
  return Object.assign(accessToken, {
    dispose() {
      disposed = true;
      disposeAll();
    },
  });
}

function noUsableToken(asked: readonly string[], expired: WarmToken | undefined) {
  const named = asked.length === 0 ? "(none)" : asked.join(" ");
  if (expired === undefined) {
    return new NoUsableTokenError(
      `No warm token covers the scopes ${named}: add a scope set that includes them to ` +
        "bankSdkAccessToken(cybrid, { scopes }) so that it is fetched at the warm-up",
      asked,
    );
  }
  const state = expired.dropped ? "was invalidated" : "is past its usable life";
  const reason = expired.lastError === undefined ? "has not arrived yet" : "failed";
  return new NoUsableTokenError(
    `The token for the scopes ${named} ${state} and its refresh ${reason}; ` +
      "the next call may succeed",
    asked,
    expired.lastError,
  );
}
