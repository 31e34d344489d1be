/** Runs once when a server process starts: a bad environment stops it here with a clear message. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./env.ts");
}
