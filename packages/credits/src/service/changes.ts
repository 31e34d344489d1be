// Live balance changes for subscribers in this process. On PostgreSQL one connection LISTENs to
// `credit_changes` (sent by triggers at commit, whichever process made the change) and fans the
// notifications out by user. The triggers notify only for watched users (a NOTIFY serialises
// commits), so the connection also records which users this process's subscribers follow in
// `credit_change_watchers`, and refreshes them while they are followed. The embedded PGlite is a
// single session that does not deliver notifications across connections, so there each subscriber
// polls its accounts' last change.
import { randomUUID } from "node:crypto";
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
/** Well inside the two minutes after which the trigger stops counting a watcher. */
const watchRefreshMs = 30_000;

class CreditChangeFeed {
  private readonly emitter = new EventEmitter();
  private listening: Promise<"notify" | "poll"> | null = null;
  private client: pg.Client | null = null;
  /** This process's name among the watchers. */
  private readonly listener = randomUUID();
  /** How many subscribers of this process follow each user. */
  private readonly watched = new Map<string, number>();

  constructor(private readonly databaseUrl: string) {
    this.emitter.setMaxListeners(0);
    setInterval(() => void this.refreshWatches(), watchRefreshMs).unref();
  }

  /** Marks the users this process follows as still followed, and forgets dead processes' rows. */
  private async refreshWatches(): Promise<void> {
    if (!this.client || this.watched.size === 0) return;
    await this.client
      .query(
        `WITH refreshed AS (
           UPDATE credit_change_watchers SET seen_at = now() WHERE listener = $1
         )
         DELETE FROM credit_change_watchers WHERE seen_at < now() - interval '10 minutes'`,
        [this.listener],
      )
      .catch(() => undefined);
  }

  private async watch(userIds: string[]): Promise<void> {
    await this.client?.query(
      `INSERT INTO credit_change_watchers (user_id, listener)
       SELECT unnest($1::uuid[]), $2
       ON CONFLICT (user_id, listener) DO UPDATE SET seen_at = now()`,
      [userIds, this.listener],
    );
  }

  private async follow(userId: string): Promise<void> {
    const count = this.watched.get(userId) ?? 0;
    this.watched.set(userId, count + 1);
    if (count === 0) await this.watch([userId]);
  }

  private async unfollow(userId: string): Promise<void> {
    const count = (this.watched.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.watched.set(userId, count);
      return;
    }
    this.watched.delete(userId);
    await this.client
      ?.query("DELETE FROM credit_change_watchers WHERE user_id = $1 AND listener = $2", [
        userId,
        this.listener,
      ])
      .catch(() => undefined);
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
        this.client = null;
        void client.end().catch(() => undefined);
      });
      await client.query("LISTEN credit_changes");
      this.client = client;
      // After a reconnect, the users still followed are watched again.
      if (this.watched.size > 0) await this.watch([...this.watched.keys()]);
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
      await this.follow(userId);
      try {
        for await (const [change] of on(this.emitter, userId, { signal }))
          yield change as CreditChange;
      } finally {
        await this.unfollow(userId);
      }
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
