// The benchmark's output: a table on stdout, the same as JSON, and bench/RESULTS.md regenerated
// with the machine and the date, the targets, and the analysis kept by hand in bench/analysis.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../scripts/run.ts";
import type { CpuPerOperation } from "./cpu.ts";
import type { LoadResult } from "./load.ts";

export interface Row {
  id: string;
  name: string;
  detail: string;
  load: LoadResult;
  /** Ledger invariant violations found right after the scenario (must be 0). */
  violations: number;
  /** The web server's peak resident memory during the scenario, in MB. */
  peakRssMb: number;
  /** CPU per operation of the server under test and of Postgres (bench/lib/cpu.ts). */
  cpu?: CpuPerOperation;
  /** Spends per database call under group commit during the row (the server's /metrics). */
  spendsPerBatch?: number;
  /** ops/s as a share of the ceiling's, measured in the same run. */
  ceilingRatio?: number;
  /** ops/s as a share of what Next.js answers for a route doing nothing (GET /health). */
  floorRatio?: number;
  /** ops/s as a multiple of the naive design's at the same history. */
  naiveRatio?: number;
}

export interface BenchReport {
  quick: boolean;
  rows: Row[];
  growth: { operation: string; entries: number; p50: number; opsPerSec: number }[];
  overspend: {
    balance: number;
    attempts: number;
    naive: { accepted: number; overspent: number };
    ledger: { accepted: number; overspent: number };
  };
  correctness: { name: string; ok: boolean; detail: string }[];
  settings: Record<string, unknown>;
}

export interface Machine {
  date: string;
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  postgres: string;
}

export function describeMachine(postgres: string): Machine {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cores: cpu.length,
    cpu: cpu[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    postgres,
  };
}

/** Counts as the tables and the scenarios' names write them (1,000,000). */
export const fmt = (value: number) => value.toLocaleString("en-US");

function table(header: string[], body: string[][]): string {
  const lines = [header, header.map(() => "---"), ...body];
  return lines.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function scenarioTable(report: BenchReport): string {
  return table(
    [
      "scenario",
      "ops/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "errors",
      "vs ceiling",
      "vs Next.js floor",
      "vs naive",
      "server CPU ms/op",
      "Postgres CPU ms/op",
      "load generator CPU ms/op",
      "spends per batch",
      "violations",
      "peak RSS MB",
    ],
    report.rows
      .filter((row) => !row.id.startsWith("growth-"))
      .map((row) => [
        `${row.name} — ${row.detail}`,
        fmt(row.load.opsPerSec),
        String(row.load.p50),
        String(row.load.p95),
        String(row.load.p99),
        fmt(row.load.errors),
        row.ceilingRatio === undefined ? "" : `${Math.round(row.ceilingRatio * 100)}%`,
        row.floorRatio === undefined ? "" : `${Math.round(row.floorRatio * 100)}%`,
        row.naiveRatio === undefined ? "" : `${row.naiveRatio}x`,
        row.cpu?.serverMs === undefined ? "" : String(row.cpu.serverMs),
        row.cpu?.postgresMs === undefined ? "" : String(row.cpu.postgresMs),
        row.cpu?.loadMs === undefined ? "" : String(row.cpu.loadMs),
        row.spendsPerBatch === undefined ? "" : String(row.spendsPerBatch),
        String(row.violations),
        row.peakRssMb > 0 ? String(row.peakRssMb) : "",
      ]),
  );
}

function growthTable(report: BenchReport): string {
  const sizes = [...new Set(report.growth.map((item) => item.entries))];
  const operations = [...new Set(report.growth.map((item) => item.operation))];
  const smallest = sizes[0] ?? 0;
  return table(
    ["operation", ...sizes.map((size) => `p50 ms @ ${fmt(size)}`), "ratio (largest ÷ smallest)"],
    operations.map((operation) => {
      const of = (size: number) =>
        report.growth.find((item) => item.operation === operation && item.entries === size);
      const base = of(smallest)?.p50 ?? 0;
      const largest = of(sizes.at(-1) ?? smallest)?.p50 ?? 0;
      return [
        operation,
        ...sizes.map((size) => {
          const p50 = of(size)?.p50 ?? 0;
          return size === smallest || base === 0
            ? String(p50)
            : `${p50} (${(p50 / base).toFixed(2)}x)`;
        }),
        base === 0 ? "" : `${(largest / base).toFixed(2)}x`,
      ];
    }),
  );
}

function targetsTable(report: BenchReport): string {
  const row = (id: string) => report.rows.find((item) => item.id === id);
  const growthRatio = (operation: string) => {
    const items = report.growth.filter((item) => item.operation === operation);
    const first = items[0]?.p50 ?? 0;
    const last = items.at(-1)?.p50 ?? 0;
    return first > 0 ? last / first : 0;
  };
  const isService = (item: Row) => item.id.startsWith("plain-") || item.id.startsWith("grpc-");
  const peak = Math.max(
    ...report.rows.filter((item) => !isService(item)).map((item) => item.peakRssMb),
  );
  const servicePeak = Math.max(0, ...report.rows.filter(isService).map((item) => item.peakRssMb));
  const checks: [string, string, boolean][] = [
    [
      "spend, spread ≥ 40% of the ceiling",
      `${Math.round((row("spend-spread")?.ceilingRatio ?? 0) * 100)}%`,
      (row("spend-spread")?.ceilingRatio ?? 0) >= 0.4,
    ],
    [
      "spend, hot ≥ 60% of the ceiling",
      `${Math.round((row("spend-hot")?.ceilingRatio ?? 0) * 100)}%`,
      (row("spend-hot")?.ceilingRatio ?? 0) >= 0.6,
    ],
    ...["balance", "spend", "history, deep page"].map((operation): [string, string, boolean] => [
      `growth: ${operation} at the largest history within 1.2x`,
      `${growthRatio(operation).toFixed(2)}x`,
      growthRatio(operation) <= 1.2,
    ]),
    ...(
      [
        ["ledger-history", "this ledger through HTTP, 5c"],
        ["ledger-history-direct", "both straight to Postgres, 5d"],
      ] as const
    ).map(([id, how]): [string, string, boolean] => {
      const times = row(id)?.naiveRatio ?? 0;
      return [
        `≥ 10x the naive design's spends at a long history (${how})`,
        `${times}x`,
        times >= 10,
      ];
    }),
    [
      "zero over-spends (the naive design shows some)",
      `${report.overspend.ledger.overspent} (naive: ${report.overspend.naive.overspent})`,
      report.overspend.ledger.overspent === 0,
    ],
    ["web server peak RSS < 400 MB", `${peak} MB`, peak < 400],
    ...(
      [
        ["statement-spread", "the spend statement alone, spread, ≥ 70% of the ceiling", 0.7],
        ["plain-spread", "service REST spend, spread, ≥ 50% of the ceiling", 0.5],
        ["plain-hot", "service REST spend, hot, ≥ 150% of the hot ceiling", 1.5],
      ] as const
    ).map(([id, name, target]): [string, string, boolean] => {
      const share = row(id)?.ceilingRatio ?? 0;
      return [name, `${Math.round(share * 100)}%`, share >= target];
    }),
    ...(["spread", "hot"] as const).flatMap((shape): [string, string, boolean][] => {
      const grpc = row(`grpc-${shape}`)?.load.opsPerSec ?? 0;
      const compared = [
        [`plain-purchase-${shape}`, "REST purchase (the same operation)"],
        [`plain-${shape}`, "REST deduct (a spend without a purchase record)"],
      ] as const;
      return compared.map(([id, what]) => {
        const rest = row(id)?.load.opsPerSec ?? 0;
        return [
          `gRPC UseCredits, ${shape}, at least the service's ${what}`,
          `${fmt(grpc)} vs ${fmt(rest)} per second`,
          rest > 0 && grpc >= rest,
        ];
      });
    }),
    (() => {
      const withEndpoint = row("plain-spread-webhook")?.load.opsPerSec ?? 0;
      const without = row("plain-spread")?.load.opsPerSec ?? 0;
      const share = without > 0 ? withEndpoint / without : 0;
      return [
        "spends with one subscribed webhook endpoint (credits.spent off) within 10% of none",
        `${fmt(withEndpoint)} vs ${fmt(without)} spends/s (${Math.round(share * 100)}%)`,
        share >= 0.9,
      ] as [string, string, boolean];
    })(),
    (() => {
      const batched = row("plain-single")?.load.p50 ?? 0;
      const unbatched = row("plain-single-unbatched")?.load.p50 ?? 0;
      return [
        "one client: p50 of a service spend with group commit within 10% of without",
        `${batched} vs ${unbatched} ms`,
        unbatched > 0 && batched <= unbatched * 1.1,
      ] as [string, string, boolean];
    })(),
    [
      "tRPC purchases.create in Next.js ≥ 60% of the Next.js floor",
      `${Math.round((row("spend-trpc")?.floorRatio ?? 0) * 100)}%`,
      (row("spend-trpc")?.floorRatio ?? 0) >= 0.6,
    ],
    ["service peak RSS < 200 MB", `${servicePeak} MB`, servicePeak > 0 && servicePeak < 200],
  ];
  return table(
    ["target", "measured", "met"],
    checks.map(([name, value, met]) => [name, value, met ? "yes" : "no"]),
  );
}

function overspendText(report: BenchReport): string {
  const { balance, attempts, naive, ledger } = report.overspend;
  return [
    `${attempts} deductions of 1 credit raced (${report.settings.concurrency} clients) for an account holding ${balance}:`,
    `- naive design: ${naive.accepted} accepted, ${naive.overspent} credits spent that did not exist;`,
    `- this ledger: ${ledger.accepted} accepted, ${ledger.overspent} over-spent.`,
  ].join("\n");
}

/**
 * Writes bench/RESULTS.md again from the last full run's bench/results.json, with the analysis as
 * it is now (`pnpm bench --report-only`, after editing bench/analysis.md).
 */
export function rewriteReport(): void {
  const { machine, ...report } = JSON.parse(
    readFileSync(join(repoRoot, "bench/results.json"), "utf8"),
  ) as BenchReport & { machine: Machine };
  writeReport(report, machine);
}

/** Prints the results and writes them as JSON and Markdown (under bench/, or bench/.quick/). */
export function writeReport(report: BenchReport, machine: Machine): void {
  const sections = [
    `## Scenarios\n\n${scenarioTable(report)}`,
    `## Growth (one client; the p50 of each operation as history grows)\n\n${growthTable(report)}`,
    `## Over-spending under concurrency\n\n${overspendText(report)}`,
    `## Targets\n\n${targetsTable(report)}`,
  ];
  console.log(`\n${sections.join("\n\n")}\n`);
  const dir = report.quick ? join(repoRoot, "bench/.quick") : join(repoRoot, "bench");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "results.json"), `${JSON.stringify({ machine, ...report }, null, 2)}\n`);
  const analysisFile = join(repoRoot, "bench/analysis.md");
  const analysis = existsSync(analysisFile) ? readFileSync(analysisFile, "utf8").trim() : "";
  const markdown = [
    "# Benchmark results",
    "",
    "Generated by `pnpm bench`" +
      (report.quick ? " --quick (short runs: check the harness, not the numbers)" : "") +
      `; do not edit by hand (the analysis comes from \`bench/analysis.md\`).`,
    "",
    `- date: ${machine.date}`,
    `- machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB memory`,
    `- Node ${machine.node}, ${machine.postgres}`,
    "- the load generator, the web server and PostgreSQL share this machine",
    "",
    ...sections.flatMap((section) => [section, ""]),
    analysis,
    "",
  ].join("\n");
  writeFileSync(join(dir, "RESULTS.md"), markdown);
  // Formatted as `pnpm lint` expects (Biome aligns the tables, packs short arrays), so a fresh run
  // lints clean.
  spawnSync(
    "pnpm",
    ["exec", "biome", "format", "--write", join(dir, "RESULTS.md"), join(dir, "results.json")],
    {
      cwd: repoRoot,
      stdio: "ignore",
    },
  );
  console.log(`results written to ${join(dir, "RESULTS.md")} and results.json`);
}
