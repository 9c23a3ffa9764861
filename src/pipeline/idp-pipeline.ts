/**
 * The IdP pipeline: one POST to the identity provider, paced, attempted, classified, retried by
 * one decision, and returned as the parsed success or a typed, redacted error. `Engine` is what
 * the token requests share: the transport, the resolved options, logging, hooks and pacing.
 * The client secret is not here: it lives in the bank-token request's closure only.
 */
import type { Client } from "openapi-fetch";
import type { paths } from "../../generated/openapi.js";
import { CybridIdError } from "../errors/cybrid-id-error.js";
import { redactError } from "../errors/redact-error.js";
import type { Logger } from "../log/logger.js";
import type { Redactor } from "../log/redactor.js";
import type { ResolvedOptions } from "../options.js";
import type { TrafficControl } from "../pacing/traffic-control.js";
import { runAttempts } from "../retry/attempt-loop.js";
import { postToIdp, type IdpRequest, type IdpSuccess } from "../transport/idp-request.js";

export type { BodyEncoding, IdpRequest, IdpSuccess } from "../transport/idp-request.js";

export interface Engine {
  api: Client<paths>;
  options: ResolvedOptions;
  logger: Logger;
  redactor: Redactor;
  /** Pacing and the retry budget; absent, attempts go out unpaced and retries are not budgeted. */
  traffic?: TrafficControl | undefined;
}

/** A POST to the IdP with the retry policy, logging and hooks applied; errors are redacted. */
export async function sendToIdp(
  context: Engine,
  request: IdpRequest,
  call: { signal?: AbortSignal | undefined; background?: boolean },
): Promise<IdpSuccess & { attempts: number }> {
  const { hooks, retry } = context.options;
  let attempts = 1;
  try {
    const success = await runAttempts(
      request.operation,
      (signal) => postToIdp(context.api, request, signal, context.redactor),
      retry,
      {
        signal: call.signal,
        background: call.background ?? false,
        pacer: context.traffic?.pacer(request.path),
        budget: context.traffic?.budget,
        onRetry: (event) => {
          attempts = event.retry + 1;
          const { error } = event;
          context.logger.log(
            "info",
            `${event.operation}: ${error.status ?? error.code}, retry ${event.retry} in ${event.delayMs} ms`,
          );
          hooks.onRetryScheduled?.({
            operation: event.operation,
            retry: event.retry,
            delayMs: event.delayMs,
            status: error.status,
            code: error.code,
          });
        },
      },
    );
    return { ...success, attempts };
  } catch (error) {
    // A server may echo what it was sent, a custom fetch may throw it: see redact-error.ts.
    // A caller's own abort reason is theirs, and goes back untouched.
    throw error instanceof CybridIdError ? redactError(error, context.redactor) : error;
  }
}
