import { createDatabaseClient, type Database } from "@credits/db";
import { startEmbeddedPostgres } from "@credits/db/embedded";
import { afterAll, describe, expect, it } from "vitest";
import { livenessResponse, readinessResponse } from "../src/http/health.ts";
import { createTrpcRouteHandler } from "../src/next/handlers.ts";
import { billingConfigFrom } from "../src/stripe/config.ts";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl)
  throw new Error("DATABASE_URL must point at the test database (pnpm test sets it)");

const clients: Database[] = [];
function client(url: string): Database {
  const db = createDatabaseClient(url, { poolMax: 2 });
  clients.push(db);
  return db;
}
afterAll(async () => {
  await Promise.all(clients.map((db) => db.$disconnect()));
});

describe("GET /health", () => {
  it("answers 200 {status: ok} without touching the database", async () => {
    const response = livenessResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

describe("GET /health/ready", () => {
  it("answers 200 when the database answers", async () => {
    const response = await readinessResponse(() => client(databaseUrl));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe("ok");
    expect(body.checks.database.status).toBe("ok");
  });

  it("answers 503 when nothing listens where the database should be", async () => {
    const response = await readinessResponse(() =>
      client("postgresql://postgres@127.0.0.1:1/postgres"),
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: "unavailable",
      checks: { database: { status: "unavailable" } },
    });
  });

  it("turns from 200 to 503 when the database server stops", async () => {
    const server = await startEmbeddedPostgres();
    const db = client(server.url);
    expect((await readinessResponse(() => db)).status).toBe(200);
    await server.stop();
    expect((await readinessResponse(() => db)).status).toBe(503);
  });

  it("answers 503, not a crash, when the database is not configured", async () => {
    const response = await readinessResponse(() => {
      throw new Error("DATABASE_URL is not set");
    });
    expect(response.status).toBe(503);
    const text = JSON.stringify(await response.json());
    expect(text).not.toContain("DATABASE_URL");
  });
});

describe("/api/trpc", () => {
  const handler = createTrpcRouteHandler(async () => ({
    db: client(databaseUrl),
    session: null,
    billing: billingConfigFrom({}),
    origin: "http://localhost",
  }));

  it("serves health.check over HTTP with the database's status", async () => {
    const response = await handler(new Request("http://localhost/api/trpc/health.check"));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.result.data.json).toMatchObject({ status: "ok", database: { status: "ok" } });
  });

  it("answers 404 for a procedure that does not exist, without a stack trace", async () => {
    const response = await handler(new Request("http://localhost/api/trpc/nothing.here"));
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body.error.json.data.code).toBe("NOT_FOUND");
    expect(body.error.json.data.stack).toBeUndefined();
  });
});
