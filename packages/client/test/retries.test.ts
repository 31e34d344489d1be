// The client's retries against a tiny local server that is busy a few times before it answers:
// how many attempts, how long they wait, and that every attempt of one call carries one key.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CreditsApiError,
  CreditsNetworkError,
  createCreditsClient,
  InsufficientCreditsError,
} from "../src/index.ts";

interface Attempt {
  at: number;
  method: string;
  url: string;
  key: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** What the server answers, one entry per attempt; the last one repeats. */
let script: { status: number; retryAfter?: string; body?: unknown }[] = [];
let attempts: Attempt[] = [];
let server: Server;
let baseUrl = "";

async function bodyOf(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of request) body += String(chunk);
  return body;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    attempts.push({
      at: Date.now(),
      method: request.method ?? "",
      url: request.url ?? "",
      key: request.headers["idempotency-key"] as string | undefined,
      authorization: request.headers.authorization,
      body: await bodyOf(request),
    });
    const answer = script[Math.min(attempts.length, script.length) - 1] ?? { status: 500 };
    response.writeHead(answer.status, {
      "Content-Type": "application/json",
      ...(answer.retryAfter === undefined ? {} : { "Retry-After": answer.retryAfter }),
    });
    response.end(
      JSON.stringify(
        answer.body ??
          (answer.status === 200
            ? { success: true, balance: 7, available: 7, transaction_id: "t1" }
            : {
                error: {
                  code: answer.status === 429 ? "rate_limited" : "unavailable",
                  message: "Busy.",
                },
              }),
      ),
    );
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  attempts = [];
});

const fast = { baseMs: 20, maxMs: 2_000 };
const deduction = { amount: 3, description: "Report" };

describe("retries", () => {
  it("retries 503 and 429 after Retry-After, then returns the answer, with one key throughout", async () => {
    script = [
      { status: 503, retryAfter: "1" },
      { status: 429, retryAfter: "1" },
      { status: 503 },
      { status: 200 },
    ];
    const client = createCreditsClient({ baseUrl, token: "t0ken", retries: 3, retryDelay: fast });
    const started = Date.now();
    const result = await client.deduct(42, deduction);
    expect(result).toEqual({ success: true, balance: 7, available: 7, transaction_id: "t1" });

    expect(attempts).toHaveLength(4);
    const keys = new Set(attempts.map((attempt) => attempt.key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({
        method: "POST",
        url: "/api/credits/42/deduct",
        authorization: "Bearer t0ken",
        body: JSON.stringify(deduction),
      });
    }
    const waits = attempts
      .slice(1)
      .map((attempt, index) => attempt.at - (attempts[index]?.at ?? 0));
    // Retry-After: 1 is honoured both times; the third wait is backoff (20·2² ms with jitter).
    expect(waits[0]).toBeGreaterThanOrEqual(990);
    expect(waits[1]).toBeGreaterThanOrEqual(990);
    expect(waits[2]).toBeGreaterThanOrEqual(35);
    expect(waits[2]).toBeLessThan(900);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("stops after the allowed retries and throws the last answer as a typed error", async () => {
    script = [{ status: 429, retryAfter: "0" }];
    const client = createCreditsClient({ baseUrl, token: "t0ken", retries: 2, retryDelay: fast });
    const error = await client.add("user_abc123", deduction).catch((caught: unknown) => caught);
    expect(attempts).toHaveLength(3);
    expect(error).toBeInstanceOf(CreditsApiError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", message: "Busy." });
    expect(new Set(attempts.map((attempt) => attempt.key)).size).toBe(1);
  });

  it("does not wait longer than its maximum: a long Retry-After ends the call at once", async () => {
    script = [{ status: 429, retryAfter: "120" }];
    const client = createCreditsClient({ baseUrl, token: "t0ken", retryDelay: fast });
    const started = Date.now();
    const error = await client.balance(42).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(attempts).toHaveLength(1);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 120 });
  });

  it("keeps the caller's own key, sends none on reads, and never retries other errors", async () => {
    script = [
      {
        status: 402,
        body: {
          error: { code: "insufficient_credits", message: "Short.", details: { available: 2 } },
        },
      },
    ];
    const client = createCreditsClient({ baseUrl, token: "t0ken", retryDelay: fast });
    const error = await client
      .deduct("user_abc123", deduction, { idempotencyKey: "order-1234-deduct" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ status: 402, code: "insufficient_credits", available: 2 });
    expect(attempts.map((attempt) => attempt.key)).toEqual(["order-1234-deduct"]);

    script = [{ status: 200, body: { user_id: "42", balance: 1 } }];
    await client.balance(42);
    expect(attempts[1]).toMatchObject({ method: "GET", key: undefined });
  });

  it("retries a network error with the same key, then reports it as a CreditsNetworkError", async () => {
    const sent: (string | null)[] = [];
    const client = createCreditsClient({
      baseUrl,
      token: "t0ken",
      retries: 2,
      retryDelay: fast,
      fetch: async (request) => {
        sent.push(request.headers.get("Idempotency-Key"));
        throw new TypeError("fetch failed");
      },
    });
    const error = await client.add(42, deduction).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CreditsNetworkError);
    expect(error).toMatchObject({ attempts: 3 });
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1);
    expect(sent[0]).toBeTruthy();

    sent.length = 0;
    await expect(client.balance(42)).rejects.toBeInstanceOf(CreditsNetworkError);
    expect(sent).toEqual([null, null, null]);
  });
});
