// The app under test: a production build of apps/web started with `next start`, and its memory
// sampled while it serves (the peak resident set of the server and its children).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, run } from "../../scripts/run.ts";

export interface RunningServer {
  url: string;
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

function childrenOf(pid: number): number[] {
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

export async function buildWeb(): Promise<void> {
  const code = await run("pnpm", ["exec", "turbo", "run", "build", "--filter=@credits/web"], {
    cwd: repoRoot,
  });
  if (code !== 0) throw new Error("next build of apps/web failed");
}

export async function startWeb(port: number, env: Record<string, string>): Promise<RunningServer> {
  const appDir = join(repoRoot, "apps/web");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // BENCH_SERVER_NODE_ARGS reach the server's node only, e.g. `--cpu-prof` to profile it.
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      join(appDir, "node_modules/next/dist/bin/next"),
      "start",
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: appDir,
      env: { ...process.env, ...env, NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("apps/web did not start within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeRssKb(child.pid));
  }, 100);
  return {
    url,
    peakRssMb: () => Math.round(peak / 1024),
    resetPeak: () => {
      peak = child.pid ? treeRssKb(child.pid) : 0;
    },
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
