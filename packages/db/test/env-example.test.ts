// Every variable .env.example documents reaches the apps when they run through turbo (`pnpm dev`,
// `pnpm start`, `pnpm test`): turbo's strict environment mode hands a task only the variables its
// configuration names, so one left out works from .env but silently not from the shell.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);

describe(".env.example", () => {
  it("names only variables turbo passes to its tasks", () => {
    const documented = [
      ...readFileSync(new URL(".env.example", root), "utf8").matchAll(
        /^#? ?([A-Z][A-Z0-9_]{2,})=/gm,
      ),
    ].map((match) => match[1]);
    const turbo = JSON.parse(readFileSync(new URL("turbo.json", root), "utf8")) as {
      globalPassThroughEnv: string[];
    };
    // The benchmark runs outside turbo (`pnpm bench` is tsx).
    const forTasks = documented.filter((name) => !name?.startsWith("BENCH_"));
    expect(forTasks.length).toBeGreaterThan(20);
    expect(forTasks.filter((name) => !turbo.globalPassThroughEnv.includes(name ?? ""))).toEqual([]);
  });
});
