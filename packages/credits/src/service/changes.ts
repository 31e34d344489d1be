// Live balance changes for subscribers in this process. On PostgreSQL one connection LISTENs to
// `credit_changes` (sent by triggers at commit, whichever process made the change) and fans the
// notifications out by user. The embedded PGlite is a single session that does not deliver
// notifications across connections, so there each subscriber polls its accounts' last change.
import { EventEmitter, on } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { readDatabaseEnv } from "@credits/db/env";
import pg from "pg";

/** Whose credits changed, in which app (the account is omitted when polling). */
export interface CreditChange {
  userId: string;
  appId: string;
  accountId?: string;
}

const pollIntervalMs = 2000;

class CreditChangeFeed {
  private readonly emitter = new EventEmitter();
  private listening: Promise<"notify" | "poll"> | null = null;

  constructor(private readonly databaseUrl: string) {
    this.emitter.setMaxListeners(0);
  }

  /** Connects the LISTEN connection once; reconnects after a failure when the next subscriber comes. */
  private mode(): Promise<"notify" | "poll"> {
    this.listening ??= (async () => {
      const client = new pg.Client({ connectionString: this.databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ version: string }>("SELECT version()");
      if (rows[0]?.version.includes("wasm")) {
        await client.end();
        return "poll";
      }
      client.on("notification", (message) => {
        if (message.channel !== "credit_changes" || !message.payload) return;
        const change = JSON.parse(message.payload) as CreditChange;
        this.emitter.emit(change.userId, change);
      });
      client.on("error", () => {
        this.listening = null;
        void client.end().catch(() => undefined);
      });
      await client.query("LISTEN credit_changes");
      return "notify";
    })().catch((error: unknown) => {
      this.listening = null;
      throw error;
    });
    return this.listening;
  }

  /** The user's changes until `signal` aborts. */
  async *changesFor(userId: string, signal: AbortSignal): AsyncGenerator<CreditChange> {
    if ((await this.mode()) === "notify") {
      for await (const [change] of on(this.emitter, userId, { signal }))
        yield change as CreditChange;
      return;
    }
    yield* this.poll(userId, signal);
  }

  private async *poll(userId: string, signal: AbortSignal): AsyncGenerator<CreditChange> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    const versionQuery = `SELECT app_id, updated_at FROM credit_accounts WHERE user_id = $1 ORDER BY updated_at DESC LIMIT 1`;
    const version = async () =>
      (await client.query<{ app_id: string; updated_at: Date }>(versionQuery, [userId])).rows[0];
    try {
      let last = (await version())?.updated_at.getTime();
      while (!signal.aborted) {
        await sleep(pollIntervalMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) break;
        const current = await version();
        if (current && current.updated_at.getTime() !== last) {
          last = current.updated_at.getTime();
          yield { userId, appId: current.app_id };
        }
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

const processWide = globalThis as unknown as { __creditChangeFeed?: CreditChangeFeed };

/** The process's feed of credit changes, on the database in DATABASE_URL. */
export function creditChangeFeed(): CreditChangeFeed {
  if (!processWide.__creditChangeFeed) {
    const { DATABASE_URL } = readDatabaseEnv();
    if (!DATABASE_URL) throw new Error("DATABASE_URL is not set");
    processWide.__creditChangeFeed = new CreditChangeFeed(DATABASE_URL);
  }
  return processWide.__creditChangeFeed;
}
