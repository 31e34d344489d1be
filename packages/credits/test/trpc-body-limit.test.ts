// The tRPC endpoint reads at most 64 KiB of a request body, as the REST API does: a larger one is
// refused with 413 in tRPC's error shape before anything is parsed or run, whether or not its size
// is declared (the rest of the body is dropped after the answer, as http/body.ts does for REST).
import { describe, expect, it } from "vitest";
import { createTrpcRouteHandler, maxTrpcBodyBytes } from "../src/next/handlers.ts";
import { db, fundedUser, newKey, unconfiguredBilling } from "./fixtures.ts";

async function adjustAs(admin: { id: string; email: string; role: "ADMIN" | "USER" }) {
  return createTrpcRouteHandler(async () => ({
    db,
    session: { user: admin },
    billing: unconfiguredBilling,
    origin: "http://localhost",
  }));
}

/** A grant whose reason pads the body to `bytes`. */
function grantBody(userId: string, bytes: number): string {
  const input = {
    direction: "grant",
    userId,
    appId: "default",
    amount: 5,
    reason: "",
    idempotencyKey: newKey(),
  };
  const base = JSON.stringify({ json: input }).length;
  return JSON.stringify({ json: { ...input, reason: "x".repeat(Math.max(0, bytes - base)) } });
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 16_384));
      offset += 16_384;
    },
  });
}

async function expectTooLarge(response: Response) {
  expect(response.status).toBe(413);
  const body = await response.json();
  expect(body.error.json.data.code).toBe("PAYLOAD_TOO_LARGE");
  expect(body.error.json.message).toBe(
    `The request body must be at most ${maxTrpcBodyBytes} bytes.`,
  );
}

describe("POST /api/trpc bodies", () => {
  it("refuses a 2 MB body that says its size with 413, unread", async () => {
    const { user, admin } = await fundedUser(0);
    const handler = await adjustAs(admin);
    const body = grantBody(user.id, 2_000_000);
    await expectTooLarge(
      await handler(
        new Request("http://localhost/api/trpc/admin.credits.adjust", {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": String(body.length) },
          body,
        }),
      ),
    );
  });

  it("refuses a streamed body once it passes the limit, whatever comes after", async () => {
    const { user, admin } = await fundedUser(0);
    const handler = await adjustAs(admin);
    await expectTooLarge(
      await handler(
        new Request("http://localhost/api/trpc/admin.credits.adjust", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: streamOf(grantBody(user.id, 2_000_000)),
          duplex: "half",
        } as RequestInit),
      ),
    );
  });

  it("still serves a body just within the limit (the input's own rules answer it)", async () => {
    const { user, admin } = await fundedUser(0);
    const handler = await adjustAs(admin);
    const response = await handler(
      new Request("http://localhost/api/trpc/admin.credits.adjust", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: streamOf(grantBody(user.id, maxTrpcBodyBytes)),
        duplex: "half",
      } as RequestInit),
    );
    // Parsed and validated: the padded reason is longer than a reason may be.
    expect(response.status).toBe(400);
    expect(response.headers.get("connection")).toBeNull();
    expect((await response.json()).error.json.data.fieldErrors).toHaveProperty("reason");
  });
});
