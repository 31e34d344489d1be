// apps/service started as its own process on free ports, as a deployment runs it.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const appDir = fileURLToPath(new URL("..", import.meta.url));

export interface RunningService {
  restUrl: string;
  grpcAddress: string;
  stop(): Promise<void>;
}

/**
 * Starts the service from its sources (through tsx), or from a bundle that scripts/build.ts made
 * (`bundle`: its path), as `pnpm start` runs it.
 */
export async function startService(
  env: Record<string, string>,
  options: { bundle?: string } = {},
): Promise<RunningService> {
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must point at the test database");
  const args = options.bundle ? [options.bundle] : ["--import", "tsx", "src/main.ts"];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: appDir,
    env: {
      ...process.env,
      SERVICE_PORT: "0",
      GRPC_PORT: "0",
      SERVICE_HOST: "127.0.0.1",
      NODE_ENV: "production",
      // The worker would dispatch other suites' events on the shared test database.
      WEBHOOK_WORKER: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Its log keeps flowing after the first line, so the pipe is read to the end, not left.
  let output = "";
  const started = await new Promise<RegExpExecArray | null>((resolve) => {
    child.stdout?.on("data", (chunk) => {
      output += String(chunk);
      const match = /credits service on (http:\/\/\S+) .*gRPC on (\S+)/.exec(output);
      if (match) resolve(match);
    });
    child.once("exit", () => resolve(null));
  });
  if (!started?.[1] || !started[2]) throw new Error(`the service did not start: ${output}`);
  return {
    restUrl: started[1],
    grpcAddress: started[2],
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
