// What every scenario works with: the sizes of this run, the scratch database, the server under
// test, and `measured`, which records a row of the report and checks the ledger's invariants after it.
import { verifyLedger } from "@credits/credits";
import type { createDatabaseClient } from "@credits/db";
import type pg from "pg";
import { startCpuCount } from "./cpu.ts";
import { type HttpRequestSpec, httpLoad, type LoadResult } from "./load.ts";
import type { BenchReport, Row } from "./report.ts";
import type { RunningServer } from "./server.ts";

export const concurrency = 32;
export const accountCount = 1_000;
export const funding = 1_000_000_000;

/** The sizes that `--quick` shrinks. */
export interface Settings {
  seconds: number;
  growthSizes: number[];
  growthRequests: number;
  naiveHistory: number;
  webhookEvents: number;
  overspendBalance: number;
}

export interface ScenarioContext {
  settings: Settings;
  pool: pg.Pool;
  web: RunningServer;
  authSecret: string;
  /** What the servers under test run with: the same for `next start` and the plain REST server. */
  serverEnv: Record<string, string>;
  rows: Row[];
  correctness: BenchReport["correctness"];
  /**
   * Runs a measured step: resets the peak memory of the server under test (`next start` unless
   * another is named, none for the rows straight to Postgres), counts its CPU and Postgres's per
   * operation, then checks the invariants.
   */
  measured(
    row: Omit<Row, "violations" | "peakRssMb" | "load" | "cpu"> & {
      run: () => Promise<LoadResult>;
    },
    extraViolations?: () => Promise<number>,
    sampled?: RunningServer | null,
  ): Promise<Row>;
  /**
   * The timed load of the HTTP scenarios: every client sends `next()` for the scenario's time, and
   * answers with a status in `expected` count as done.
   */
  timedLoad(target: string, next: () => HttpRequestSpec, expected?: number[]): Promise<LoadResult>;
}

export function createScenarioContext(options: {
  settings: Settings;
  pool: pg.Pool;
  prisma: ReturnType<typeof createDatabaseClient>;
  web: RunningServer;
  authSecret: string;
  serverEnv: Record<string, string>;
}): ScenarioContext {
  const { settings, prisma, web } = options;
  const rows: Row[] = [];
  const correctness: BenchReport["correctness"] = [];
  return {
    ...options,
    rows,
    correctness,
    async measured(row, extraViolations = async () => 0, sampled = web) {
      log(row.name);
      sampled?.resetPeak();
      const batchesBefore = sampled ? await spendBatches(sampled.url) : null;
      const cpuSince = await startCpuCount(options.pool, sampled?.pid ?? null);
      const load = await row.run();
      const cpu = await cpuSince(load.total);
      const batchesAfter = sampled ? await spendBatches(sampled.url) : null;
      const batches = batchesBefore && batchesAfter ? batchesAfter.count - batchesBefore.count : 0;
      const spendsPerBatch =
        batchesBefore && batchesAfter && batches > 0
          ? Math.round(((batchesAfter.spends - batchesBefore.spends) / batches) * 10) / 10
          : undefined;
      const peakRssMb = sampled?.peakRssMb() ?? 0;
      const violations = (await verifyLedger(prisma)).length + (await extraViolations());
      const { run: _run, ...rest } = row;
      const result: Row = { ...rest, load, violations, peakRssMb, cpu, spendsPerBatch };
      rows.push(result);
      correctness.push({
        name: `${row.name}: ledger invariants`,
        ok: violations === 0,
        detail: `${violations} violation(s)`,
      });
      return result;
    },
    timedLoad(target, next, expected) {
      return httpLoad({
        url: target,
        connections: concurrency,
        seconds: settings.seconds,
        next,
        expected,
      });
    },
  };
}

/** The server's group-commit calls so far and the spends they carried (its /metrics). */
async function spendBatches(url: string): Promise<{ count: number; spends: number } | null> {
  const response = await fetch(`${url}/metrics`).catch(() => null);
  if (!response?.ok) return null;
  const text = await response.text();
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1] ?? 0);
  return {
    count: value("credits_spend_batch_size_count"),
    spends: value("credits_spend_batch_size_sum"),
  };
}

export function log(message: string) {
  console.log(`▸ ${message}`);
}

export const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;

export function ratio(value: number, base: number): number {
  return base > 0 ? Math.round((value / base) * 100) / 100 : 0;
}
