// Request bodies are limited to 64 KiB however they arrive: a declared Content-Length over it is
// refused unread, and a chunked upload without one is read as a stream and dropped at the limit,
// so an endless body never fills the server's memory. (apps/web/e2e/api.spec.ts sends such an
// upload over HTTP to the running app.)
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { handleRestRequest } from "../src/rest/handler.ts";
import { createUser, entryCount } from "./fixtures.ts";
import { api, bootstrapToken, expectDocumented } from "./rest-fixtures.ts";

const limit = 64 * 1024;
const chunkBytes = 16 * 1024;
const template = "/api/credits/{userId}/add";

/**
 * A body of 32 MiB made on demand, counting what was pulled from it (finite, so that a reader
 * that reads everything fails the test quickly instead of running out of memory).
 */
function hugeBody() {
  const total = 32 * 1024 * 1024;
  const seen = { pulled: 0 };
  // A valid JSON start, so only the size can be what is wrong with it.
  let first = true;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled >= total) return controller.close();
        const chunk = first
          ? new TextEncoder().encode(`{"amount": 1, "description": "${"x".repeat(chunkBytes)}`)
          : new Uint8Array(chunkBytes).fill(0x78);
        first = false;
        seen.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

function addRequest(userId: string, body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(`${api.url}/api/credits/${userId}/add`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${bootstrapToken}`,
      "content-type": "application/json",
      ...headers,
    },
    body,
    duplex: "half",
  } as RequestInit);
}

describe("request bodies", () => {
  it("answers 413 to a huge body without Content-Length, having read little more than the limit", async () => {
    const user = await createUser();
    const { stream, seen } = hugeBody();
    const response = await handleRestRequest(addRequest(user.id, stream), api.deps);
    expect(response.status).toBe(413);
    const body = await response.json();
    expect(body.error.code).toBe("payload_too_large");
    expectDocumented(template, "POST", 413, body);
    expect(seen.pulled).toBeLessThanOrEqual(limit + 2 * chunkBytes);
    expect(await entryCount(user.id)).toBe(0);
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const user = await createUser();
    const { stream, seen } = hugeBody();
    const response = await handleRestRequest(
      addRequest(user.id, stream, { "content-length": String(limit + 1) }),
      api.deps,
    );
    expect(response.status).toBe(413);
    expect(seen.pulled).toBe(0);
  });

  it("reads a chunked body within the limit as usual", async () => {
    const user = await createUser();
    // Just under the limit, padded with the whitespace JSON allows.
    const text = `{"amount": 7, "description": "chunked"${" ".repeat(limit - 100)}}`;
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 1000) {
          controller.enqueue(bytes.slice(offset, offset + 1000));
        }
        controller.close();
      },
    });
    const response = await handleRestRequest(addRequest(user.id, stream), api.deps);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, balance: 7 });
  });

  it("answers a Host header that makes no URL with a 400 in JSON, and writes nothing", async () => {
    const user = await createUser();
    const { port } = new URL(api.url);
    // node:http sends the Host header as given, where fetch would set its own.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = request(
        {
          host: "127.0.0.1",
          port,
          path: `/api/credits/${user.id}/add`,
          method: "POST",
          setHost: false,
          headers: {
            host: "not a host",
            authorization: `Bearer ${bootstrapToken}`,
            "content-type": "application/json",
          },
        },
        (incoming) => {
          let text = "";
          incoming.on("data", (chunk) => {
            text += chunk;
          });
          incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, text }));
        },
      );
      outgoing.on("error", reject);
      outgoing.end(JSON.stringify({ amount: 5 }));
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.code).toBe("invalid_request");
    expect(await entryCount(user.id)).toBe(0);
  });
});
