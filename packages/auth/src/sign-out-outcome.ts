// Whether the sign-out being answered was recorded. next-auth calls the signOut event and swallows
// what it throws, then clears the cookie either way; a sign-out the database did not record would
// leave the session valid wherever else its cookie is, so the route answers it as a failure instead.
import { AsyncLocalStorage } from "node:async_hooks";

const outcome = new AsyncLocalStorage<{ failed: boolean }>();

/** Runs `work` (one auth request) and says whether a sign-out in it could not be recorded. */
export async function trackSignOut<T>(
  work: () => Promise<T>,
): Promise<{ result: T; failed: boolean }> {
  const state = { failed: false };
  const result = await outcome.run(state, work);
  return { result, failed: state.failed };
}

/** Marks the sign-out of the current auth request as not recorded. */
export function reportSignOutFailure(): void {
  const state = outcome.getStore();
  if (state) state.failed = true;
}
