export { type AuthEnv, authEnvSchema, readAuthEnv } from "./env.ts";
export {
  type OAuthSignIn,
  resolveOAuthSignIn,
  verifiedOAuthEmail,
  withGitHubVerifiedEmail,
} from "./oauth.ts";
export { defaultSignInThrottle, signInErrors } from "./options.ts";
export { hashPassword, verifyPassword } from "./password.ts";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
  type RateLimitResult,
} from "./rate-limiter.ts";
export {
  activeSessionUser,
  endAllSessions,
  endSession,
  newSessionClaims,
  sessionMaxAgeSeconds,
} from "./sessions.ts";
export { FailedSignInLimiter, type SignInAttempt, SignInThrottle } from "./sign-in-limits.ts";
export {
  createSignInLink,
  describeSignInLink,
  mayGetSignInLink,
  RedeemSignInLinkInput,
  redeemSignInLink,
  SignInLinkError,
  SignInLinkInput,
  SignInLinkRefusedError,
  signInLinkLifetimeMs,
} from "./sign-in-links.ts";
export {
  authenticate,
  ChangePasswordInput,
  changePassword,
  EmailTakenError,
  findUsersByEmail,
  PasswordChangeError,
  type SessionUser,
  SignUpInput,
  signUp,
  TooManySignInAttemptsError,
} from "./users.ts";
