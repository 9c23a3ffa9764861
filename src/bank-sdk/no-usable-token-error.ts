/**
 * The error of the bank-SDK bridge: its access-token function is synchronous, so when it has no
 * token it can send, it can only throw.
 */
import { brand } from "../errors/brand.js";
import { CybridIdError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";

/**
 * Thrown synchronously by the function of {@link bankSdkAccessToken} (so by the bank SDK's
 * operation call itself) when no usable token covers the scopes the operation asks for: no
 * warmed scope set covers them, or the covering token reached the end of its usable life
 * before a refresh succeeded (`cause` is the refresh's error, when it failed), or the function
 * was disposed. Code `no_usable_token`; never carries a token.
 */
export class NoUsableTokenError extends CybridIdError {
  static {
    brand(this, "NoUsableTokenError");
  }
  /** The scopes the operation asked for (`[]` for operations that name none). */
  readonly scopes: readonly string[];
  constructor(message: string, scopes: readonly string[], cause?: unknown) {
    super(message, { code: ERROR_CODES.NO_USABLE_TOKEN, cause });
    this.scopes = Object.freeze([...scopes]);
  }
}
