// The app under test: a production build of apps/web started with `next start`, and its memory
// sampled while it serves (the peak resident set of the server and its children).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, run } from "../../scripts/run.ts";

export interface RunningServer {
  url: string;
  /** The server's process id (its children are sampled with it). */
  pid: number | null;
  /** apps/service only: where its gRPC CreditService listens (h2c). */
  grpcUrl?: string;
  /** The highest resident memory seen since the last reset, in MB. */
  peakRssMb(): number;
  resetPeak(): void;
  stop(): Promise<void>;
}

function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function treeRssKb(pid: number): number {
  return rssKb(pid) + childrenOf(pid).reduce((sum, child) => sum + treeRssKb(child), 0);
}

/** The production builds of apps/web (`next build`) and apps/service (its bundle, dist/). */
export async function buildApps(): Promise<void> {
  const code = await run(
    "pnpm",
    ["exec", "turbo", "run", "build", "--filter=@credits/web", "--filter=@credits/service"],
    { cwd: repoRoot },
  );
  if (code !== 0) throw new Error("the production builds of apps/web and apps/service failed");
}

/** The production build of apps/web, served by `next start`. */
export function startWeb(port: number, env: Record<string, string>): Promise<RunningServer> {
  const appDir = join(repoRoot, "apps/web");
  return startServer(
    appDir,
    [
      join(appDir, "node_modules/next/dist/bin/next"),
      "start",
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ],
    port,
    // Sign-in and sessions answer only for the hosts the deployment trusts: the bench's own.
    { AUTH_TRUSTED_HOSTS: `127.0.0.1:${port}`, ...env },
    { heapMb: 256 },
  );
}

/**
 * apps/service, the credits service as its own process (its built bundle, as `pnpm start` runs
 * it): the same REST handler on node:http, so next to the Next.js rows it shows what the framework
 * costs.
 */
export async function startService(
  port: number,
  grpcPort: number,
  env: Record<string, string>,
): Promise<RunningServer> {
  const server = await startServer(
    join(repoRoot, "apps/service"),
    ["dist/main.mjs"],
    port,
    { ...env, SERVICE_PORT: String(port), GRPC_PORT: String(grpcPort), SERVICE_HOST: "127.0.0.1" },
    { heapMb: 128, semiSpaceMb: 4 },
  );
  return { ...server, grpcUrl: `http://127.0.0.1:${grpcPort}` };
}

async function startServer(
  cwd: string,
  args: string[],
  port: number,
  env: Record<string, string>,
  /** The memory flags the app's own `start` script sets. */
  memory: { heapMb: number; semiSpaceMb?: number },
): Promise<RunningServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // BENCH_SERVER_NODE_ARGS reach the server's node only, e.g. `--cpu-prof` to profile it.
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      ...args,
    ],
    {
      cwd,
      // The heap limit of the app's `pnpm start` (256 MB for apps/web, 128 for apps/service):
      // without one, V8 sizes the old space by the machine's memory and collects lazily, so a busy
      // server's memory grows with garbage. apps/service also keeps its young generation small.
      env: {
        ...process.env,
        ...env,
        NODE_ENV: "production",
        NODE_OPTIONS: [
          `--max-old-space-size=${memory.heapMb}`,
          ...(memory.semiSpaceMb ? [`--max-semi-space-size=${memory.semiSpaceMb}`] : []),
        ].join(" "),
      },
      stdio: ["ignore", "ignore", "inherit"],
      // Its own process group: `next start` runs the server in a child process, and stopping
      // must reach that one too.
      detached: true,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const stopGroup = async () => {
    signalGroup("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    signalGroup("SIGKILL");
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopGroup();
      throw new Error(
        child.exitCode !== null
          ? `the server exited with ${child.exitCode}`
          : "the server did not start within 60 s",
      );
    }
    try {
      // Any answer means it listens (the plain REST server has no /health route).
      await fetch(`${url}/health`);
      break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeRssKb(child.pid));
  }, 100);
  return {
    url,
    pid: child.pid ?? null,
    peakRssMb: () => Math.round(peak / 1024),
    resetPeak: () => {
      peak = child.pid ? treeRssKb(child.pid) : 0;
    },
    async stop() {
      clearInterval(sampler);
      await stopGroup();
    },
  };
}
