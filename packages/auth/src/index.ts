export { type AuthEnv, authEnvSchema, readAuthEnv } from "./env.ts";
export {
  type OAuthSignIn,
  resolveOAuthSignIn,
  verifiedOAuthEmail,
  withGitHubVerifiedEmail,
} from "./oauth.ts";
export { signInErrors } from "./options.ts";
export { hashPassword, verifyPassword } from "./password.ts";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
  type RateLimitResult,
} from "./rate-limiter.ts";
export { FailedSignInLimiter, type SignInAttempt, SignInThrottle } from "./sign-in-limits.ts";
export {
  authenticate,
  EmailTakenError,
  findUsersByEmail,
  type SessionUser,
  SignUpInput,
  signUp,
  TooManySignInAttemptsError,
} from "./users.ts";
