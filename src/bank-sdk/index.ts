/**
 * `cybrid-id/bank-sdk`: tokens of a cybrid-id client for Cybrid's generated TypeScript bank SDK
 * (`@cybrid/cybrid-api-bank-typescript`), whose `Configuration.accessToken` must be synchronous.
 * Platform neutral, like the main entry; it imports nothing of the bank SDK.
 *
 * ```ts
 * const accessToken = await bankSdkAccessToken(cybrid, { scopes: ["customers:read"] });
 * const api = new CustomersBankApi(new Configuration({ basePath, accessToken }));
 * ```
 *
 * @packageDocumentation
 */
export {
  bankSdkAccessToken,
  type BankSdkAccessToken,
  type BankSdkAccessTokenOptions,
} from "./bank-sdk-access-token.js";
export { NoUsableTokenError } from "./no-usable-token-error.js";
