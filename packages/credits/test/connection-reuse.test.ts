// A body the server answers before reading it to its end (too large, or refused first) is still on
// the connection, where the next request would be read from. The server reads the rest after its
// answer and drops it (within bounds), so the request behind such a body is answered as usual and
// a client still sending gets its answer rather than a reset; a body that goes on past the bounds
// is cut off, its answer sent first. Raw sockets, as a keep-alive proxy uses them, against the Node
// adapter the apps' REST routes use. (apps/web/e2e/connections.spec.ts does the same against the
// running app, webhook included.)
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { handleStripeWebhookRequest } from "../src/stripe/webhook.ts";
import { createUser, db } from "./fixtures.ts";
import { api, bootstrapToken } from "./rest-fixtures.ts";
import { billing } from "./stripe-fixtures.ts";

interface Exchange {
  /** Each answer's status and headers, in order. */
  answers: { status: number; headers: Record<string, string> }[];
  /** How the connection ended: closed by the server, reset, or still open when we gave up. */
  end: "closed" | "reset" | "open";
}

/**
 * Writes `bytes` on one connection (the parts of an array a third of a second apart) and reads
 * whatever comes back for at most `waitMs`.
 */
function exchange(bytes: Buffer | Buffer[], waitMs = 2_000): Promise<Exchange> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    let end: Exchange["end"] = "open";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
    });
    socket.on("end", () => {
      end = "closed";
    });
    socket.on("error", () => {
      if (end === "open") end = "reset";
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const answers = [...received.matchAll(/HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/g)].map(
        ([, status, head]) => ({
          status: Number(status),
          headers: Object.fromEntries(
            (head ?? "").split("\r\n").map((line) => {
              const [name = "", ...value] = line.split(":");
              return [name.toLowerCase(), value.join(":").trim()];
            }),
          ),
        }),
      );
      resolve({ answers, end });
    });
    const timer = setTimeout(() => socket.destroy(), waitMs);
    const parts = Array.isArray(bytes) ? [...bytes] : [bytes];
    const writeNext = () => {
      const part = parts.shift();
      if (!part || socket.destroyed) return;
      socket.write(part);
      if (parts.length > 0) setTimeout(writeNext, 330);
    };
    writeNext();
  });
}

const auth = `Authorization: Bearer ${bootstrapToken}\r\n`;

function head(method: string, path: string, extra = "") {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}${extra}\r\n`;
}

/** A chunked JSON body of `chunks` × 16 KiB, finished by the last chunk unless `unfinished`. */
function chunkedBody(chunks: number, unfinished = false): Buffer {
  const chunk = Buffer.alloc(16 * 1024, 0x20);
  const parts = Array.from({ length: chunks }, () => [
    Buffer.from(`${chunk.length.toString(16)}\r\n`),
    chunk,
    Buffer.from("\r\n"),
  ]).flat();
  return Buffer.concat([...parts, Buffer.from(unfinished ? "" : "0\r\n\r\n")]);
}

const chunked = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n";

const closing = "Connection: close\r\n";

describe("the connection after an answer given before the body was read", () => {
  it("answers the request behind a chunked body over the limit, after the 413", async () => {
    const user = await createUser();
    const sent = await exchange(
      Buffer.concat([
        Buffer.from(head("POST", `/api/credits/${user.id}/add`, chunked)),
        chunkedBody(8),
        Buffer.from(head("GET", `/api/credits/${user.id}/balance`, closing)),
      ]),
    );
    expect(sent.answers.map((answer) => answer.status)).toEqual([413, 200]);
    expect(sent.answers[0]?.headers.connection).toBe("keep-alive");
    expect(sent.end).toBe("closed");
  });

  it("answers the request behind a declared Content-Length over the limit, after the 413", async () => {
    const user = await createUser();
    const sent = await exchange(
      Buffer.concat([
        Buffer.from(
          head(
            "POST",
            `/api/credits/${user.id}/add`,
            "Content-Type: application/json\r\nContent-Length: 100000\r\n",
          ),
        ),
        Buffer.alloc(100_000, 0x20),
        Buffer.from(head("GET", `/api/credits/${user.id}/balance`, closing)),
      ]),
    );
    expect(sent.answers.map((answer) => answer.status)).toEqual([413, 200]);
    expect(sent.end).toBe("closed");
  });

  it("answers the request behind a body refused before it was read (a wrong token)", async () => {
    const user = await createUser();
    const refused = head("POST", `/api/credits/${user.id}/add`, chunked).replace(
      bootstrapToken,
      "not-a-token",
    );
    const sent = await exchange(
      Buffer.concat([
        Buffer.from(refused),
        chunkedBody(8),
        Buffer.from(head("GET", `/api/credits/${user.id}/balance`, closing)),
      ]),
    );
    expect(sent.answers.map((answer) => answer.status)).toEqual([401, 200]);
    expect(sent.end).toBe("closed");
  });

  it("cuts off a body that goes on past what it drops, once its 413 was sent", async () => {
    const user = await createUser();
    // 1 MiB, then 16 MiB more a moment later (far more than the 4 MiB dropped), never finished:
    // the 413 arrives, then the connection is cut while the body is still coming, well before
    // the 5 seconds a stalled body gets.
    const started = Date.now();
    const sent = await exchange(
      [
        Buffer.concat([
          Buffer.from(head("POST", `/api/credits/${user.id}/add`, chunked)),
          chunkedBody(64, true),
        ]),
        chunkedBody(1024, true),
      ],
      10_000,
    );
    expect(sent.answers.map((answer) => answer.status)).toEqual([413]);
    expect(sent.end).not.toBe("open");
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("cuts off a body it never read (a wrong token) that goes on past what it drops", async () => {
    const user = await createUser();
    const refused = head("POST", `/api/credits/${user.id}/add`, chunked).replace(
      bootstrapToken,
      "not-a-token",
    );
    const started = Date.now();
    const sent = await exchange(
      [Buffer.concat([Buffer.from(refused), chunkedBody(64, true)]), chunkedBody(1024, true)],
      10_000,
    );
    expect(sent.answers.map((answer) => answer.status)).toEqual([401]);
    expect(sent.end).not.toBe("open");
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("keeps a connection whose body was read alive: both requests on it are answered", async () => {
    const user = await createUser();
    const body = JSON.stringify({ amount: 3, description: "kept alive" });
    const sent = await exchange(
      Buffer.from(
        head(
          "POST",
          `/api/credits/${user.id}/add`,
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`,
        ) +
          body +
          head("GET", `/api/credits/${user.id}/balance`, closing),
      ),
    );
    expect(sent.answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(sent.answers[0]?.headers.connection).toBe("keep-alive");
    expect(sent.end).toBe("closed");
  });
});

describe("the webhook's body over its limit", () => {
  it("is read to its end after the 413, so its connection can carry the next request", async () => {
    let pulled = 0;
    const total = 2_000_000;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= total) return controller.close();
          pulled += 10_000;
          controller.enqueue(new Uint8Array(10_000).fill(0x20));
        },
      },
      { highWaterMark: 0 },
    );
    const response = await handleStripeWebhookRequest(
      new Request("http://127.0.0.1/api/webhooks/stripe", {
        method: "POST",
        headers: { "stripe-signature": "t=1,v1=x" },
        body,
        duplex: "half",
      } as RequestInit),
      db,
      billing,
    );
    expect(response.status).toBe(413);
    // The answer came at the limit (1 MB), the rest was dropped afterwards.
    expect(pulled).toBeLessThan(1_100_000);
    await expect.poll(() => pulled, { timeout: 5_000 }).toBe(total);
  });
});
