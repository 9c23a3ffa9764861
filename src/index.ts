/**
 * cybrid-id: tokens for Cybrid's platform, fetched, cached, refreshed and retried correctly.
 * This file is the public surface and nothing else.
 */
export { createCybridId } from "./client.js";
export type { CybridId, GetTokenOptions } from "./client.js";
export type {
  BodyEncoding,
  ClientAuthentication,
  CybridIdOptions,
  CybridIdHooks,
  Scope,
} from "./config/options.js";
export type {
  AccessToken,
  CustomerToken,
  CustomerTokenRequest,
  InvalidateListener,
} from "./token/token-cache.js";
export type { LogLevel, LogSink } from "./log/logger.js";
// The contract of the `store` option; stores themselves are in `cybrid-id/store` and `/redis`.
export type { TokenStore } from "./config/token-store.js";
// The error classes, `isCybridIdError` and `CybridIdErrorDetails`: that file is public whole.
export * from "./errors/cybrid-id-error.js";
export { ERROR_CODES, type CybridIdErrorCode } from "./errors/error-codes.js";
