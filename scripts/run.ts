import { spawn } from "node:child_process";

/**
 * Runs a command with inherited output and resolves with its exit code (never rejects).
 * SIGINT and SIGTERM received meanwhile are passed on to it, so Ctrl-C stops the whole tree and
 * the caller still gets to clean up after it exits.
 */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: "inherit",
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    const finish = (code: number) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code);
    };
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      finish(127);
    });
    child.on("exit", (code, signal) => finish(code ?? (signal ? 130 : 1)));
  });
}

/** The repository root, whichever directory a script is started from. */
export const repoRoot = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
