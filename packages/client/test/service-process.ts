// apps/service as its own process on a free port, as the service's own suite starts it: the
// database of DATABASE_URL and a bootstrap token made for this run.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const serviceDir = fileURLToPath(new URL("../../../apps/service", import.meta.url));

export interface RunningService {
  url: string;
  token: string;
  stop(): Promise<void>;
}

export async function startService(): Promise<RunningService> {
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must point at the test database");
  const token = `test-client-token-${randomUUID()}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: serviceDir,
    env: {
      ...process.env,
      SERVICE_PORT: "0",
      SERVICE_HOST: "127.0.0.1",
      CREDITS_SERVICE_TOKEN: token,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Its log keeps flowing after the first line, so the pipe is read to the end, not left.
  let output = "";
  const url = await new Promise<string>((resolve) => {
    child.stdout?.on("data", (chunk) => {
      output += String(chunk);
      const printed = /credits service on (http:\/\/\S+)/.exec(output)?.[1];
      if (printed) resolve(printed);
    });
    child.once("exit", () => resolve(""));
  });
  if (!url) throw new Error(`the service did not start: ${output}`);
  return {
    url,
    token,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
