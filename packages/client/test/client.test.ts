// @credits/client against the running apps/service: the calls another backend makes, by its own
// ids (numeric and string), with typed answers and typed errors, and retries that apply once.
import { randomInt, randomUUID } from "node:crypto";
import { type RunningService, startService } from "@credits/service/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreditsApiError,
  type CreditsClient,
  createCreditsClient,
  InsufficientCreditsError,
} from "../src/index.ts";

// A bootstrap token made for this run, which the service accepts with every scope.
const serviceToken = `test-client-token-${randomUUID()}`;
let service: RunningService;
let client: CreditsClient;

beforeAll(async () => {
  service = await startService({ CREDITS_SERVICE_TOKEN: serviceToken });
  client = createCreditsClient({ baseUrl: service.restUrl, token: serviceToken });
}, 60_000);

afterAll(() => service?.stop());

const numericId = () => randomInt(1, 2 ** 31);
const stringId = () => `user_${randomUUID().slice(0, 12)}`;

describe("@credits/client against apps/service", () => {
  it.each([
    ["a numeric id", numericId()],
    ["a string id", stringId()],
    ["an id with every allowed punctuation", `org:7@tenant-a.${stringId()}`],
  ])("adds, deducts, reads the balance and history by %s", async (_, userId) => {
    expect(await client.balance(userId)).toMatchObject({ user_id: String(userId), balance: 0 });

    const added = await client.add(userId, { amount: 100, description: "Welcome credits" });
    expect(added).toMatchObject({ success: true, balance: 100, available: 100 });
    const paid = await client.deduct(userId, {
      amount: 30,
      description: "Report generation",
      created_by: "report-worker",
    });
    expect(paid).toMatchObject({ success: true, balance: 70 });

    const balance = await client.balance(userId);
    expect(balance.user_id).toBe(String(userId));
    expect(balance.balance).toBe(70);
    expect(balance.platform_user_id).toMatch(/^[0-9a-f-]{36}$/);
    const history = await client.history(userId, { limit: 10 });
    expect(
      history.transactions.map((entry) => [entry.type, entry.amount, entry.created_by]),
    ).toEqual([
      ["SPEND", -30, "report-worker"],
      ["GRANT", 100, null],
    ]);
  });

  it("throws a 402 as an InsufficientCreditsError with what is available", async () => {
    const userId = stringId();
    await client.add(userId, { amount: 5, description: "Welcome credits" });
    const error = await client
      .deduct(userId, { amount: 50, description: "Report generation" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ status: 402, code: "insufficient_credits", available: 5 });
    expect((await client.balance(userId)).balance).toBe(5);

    const unknown = await client
      .deduct(numericId(), { amount: 1, description: "Report generation" })
      .catch((caught: unknown) => caught);
    expect(unknown).toMatchObject({ status: 402, available: 0 });
  });

  it("throws other refusals as a CreditsApiError with the API's code and details", async () => {
    const invalid = await client
      .add(numericId(), { amount: -5, description: "Negative" })
      .catch((caught: unknown) => caught);
    expect(invalid).toBeInstanceOf(CreditsApiError);
    expect(invalid).toMatchObject({ status: 400, code: "invalid_request" });
    expect((invalid as CreditsApiError).details).toHaveProperty("body.amount");

    // An id is one path segment, whatever it holds: it cannot reach another route.
    const outside = await client
      .balance("../../subscriptions/42")
      .catch((caught: unknown) => caught);
    expect(outside).toMatchObject({ status: 400, code: "invalid_request" });

    const unauthorized = await createCreditsClient({
      baseUrl: service.restUrl,
      token: "wrong-token",
    })
      .balance(42)
      .catch((caught: unknown) => caught);
    expect(unauthorized).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("applies a call once when it is repeated with the same idempotency key", async () => {
    const userId = numericId();
    await client.add(userId, { amount: 100, description: "Welcome credits" });
    const key = `order-${randomUUID()}`;
    const body = { amount: 40, description: "Report generation" };
    const first = await client.deduct(userId, body, { idempotencyKey: key });
    const again = await client.deduct(userId, body, { idempotencyKey: key });
    expect(again).toEqual(first);
    expect((await client.balance(userId)).balance).toBe(60);
  });

  it("retries a call whose answer was lost with its key, so it takes effect once", async () => {
    const userId = stringId();
    await client.add(userId, { amount: 100, description: "Welcome credits" });
    // The first deduct reaches the service and is applied, but its answer never arrives.
    let lost = 0;
    const flaky = createCreditsClient({
      baseUrl: service.restUrl,
      token: serviceToken,
      retryDelay: { baseMs: 10 },
      fetch: async (request) => {
        const response = await fetch(request);
        if (request.method === "POST" && lost++ === 0) throw new TypeError("socket hang up");
        return response;
      },
    });
    const paid = await flaky.deduct(userId, { amount: 25, description: "Report generation" });
    expect(lost).toBe(2);
    expect(paid.balance).toBe(75);
    expect((await client.balance(userId)).balance).toBe(75);
    const history = await client.history(userId);
    expect(history.transactions.filter((entry) => entry.type === "SPEND")).toHaveLength(1);
  });

  it("transfers, holds and captures, and reads plans and usage through the typed methods", async () => {
    const from = numericId();
    const to = stringId();
    await client.add(from, { amount: 50, description: "Welcome credits" });
    expect(await client.transfer(from, { to_user_id: to, amount: 20 })).toMatchObject({
      balance: 30,
    });
    expect((await client.balance(to)).balance).toBe(20);

    const hold = await client.holds.create(to, {
      amount: 10,
      ttl_seconds: 60,
      description: "Generation",
    });
    const captured = await client.holds.capture(hold.hold_id, { amount: 4 });
    expect(captured).toMatchObject({ status: "CAPTURED", captured_amount: 4 });
    expect((await client.balance(to)).balance).toBe(16);

    expect(await client.threshold.set(to, { threshold: 50 })).toMatchObject({
      threshold: 50,
      available: 16,
      low: true,
    });
    expect(await client.threshold.get(to)).toMatchObject({ user_id: to, custom: 50 });

    expect(await client.subscriptions.get(to)).toMatchObject({ user_id: to, tier: "FREE" });
    expect(await client.usage.check(to, { feature: "reports" })).toMatchObject({
      feature: "reports",
      allowed: true,
    });
  });
});
