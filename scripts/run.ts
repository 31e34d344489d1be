import { spawn } from "node:child_process";

/** Runs a command with inherited output and resolves with its exit code (never rejects). */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: "inherit",
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The repository root, whichever directory a script is started from. */
export const repoRoot = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
