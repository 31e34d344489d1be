// @credits/client: what another backend installs to call the credits service.
export {
  type BodyOf,
  type CreditsClient,
  type CreditsClientOptions,
  createCreditsClient,
  type MutationOptions,
  type QueryOf,
  type ReadOptions,
  type ResponseOf,
  type UserId,
} from "./client.ts";
export { CreditsApiError, CreditsNetworkError, InsufficientCreditsError } from "./errors.ts";
export type { components, operations, paths } from "./generated/schema.d.ts";
export { defaultRetryPolicy, type RetryPolicy } from "./retry.ts";
