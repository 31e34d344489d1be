// A body the server answers before reading it to its end (too large, or refused first) is still on
// the connection, where the next request would be read from: such an answer says
// `Connection: close` and the server closes the connection, cleanly, rather than keep it alive for
// a request it would misread or never answer. Raw sockets, as a keep-alive proxy uses them,
// against the Node adapter the apps' REST routes use. (apps/web/e2e/connections.spec.ts does the
// same against the running app, webhook included.)
import { randomUUID } from "node:crypto";
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

/** Writes `bytes` on one connection and reads whatever comes back for at most `waitMs`. */
function exchange(bytes: Buffer, waitMs = 2_000): Promise<Exchange> {
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
      end = "reset";
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
    socket.write(bytes);
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

describe("the connection after an answer given before the body was read", () => {
  it("closes after a 413 for a chunked body over the limit; the request behind it is not misread", async () => {
    const user = await createUser();
    const sent = await exchange(
      Buffer.concat([
        Buffer.from(head("POST", `/api/credits/${user.id}/add`, chunked)),
        chunkedBody(8),
        Buffer.from(head("GET", `/api/credits/${user.id}/balance`)),
      ]),
    );
    expect(sent).toMatchObject({ end: "closed", answers: [{ status: 413 }] });
    expect(sent.answers).toHaveLength(1);
    expect(sent.answers[0]?.headers.connection).toBe("close");
    // A new connection is served as usual.
    const next = await exchange(
      Buffer.from(head("GET", `/api/credits/${user.id}/balance`, "Connection: close\r\n")),
    );
    expect(next).toMatchObject({ end: "closed", answers: [{ status: 200 }] });
  });

  it("closes after a 413 for a declared Content-Length over the limit", async () => {
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
        Buffer.alloc(20_000, 0x20),
      ]),
    );
    expect(sent).toMatchObject({ end: "closed", answers: [{ status: 413 }] });
    expect(sent.answers[0]?.headers.connection).toBe("close");
  });

  it("closes after a refusal that came before the body was read (a wrong token)", async () => {
    const user = await createUser();
    const request = head("POST", `/api/credits/${user.id}/add`, chunked).replace(
      bootstrapToken,
      "not-a-token",
    );
    const sent = await exchange(Buffer.concat([Buffer.from(request), chunkedBody(2, true)]));
    expect(sent).toMatchObject({ end: "closed", answers: [{ status: 401 }] });
    expect(sent.answers[0]?.headers.connection).toBe("close");
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
          head("GET", `/api/credits/${user.id}/balance`, "Connection: close\r\n"),
      ),
    );
    expect(sent.answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(sent.answers[0]?.headers.connection).toBe("keep-alive");
    expect(sent.end).toBe("closed");
  });
});

describe("the webhook's answer to a body over its limit", () => {
  it("says the connection closes, whichever server sends it", async () => {
    const response = await handleStripeWebhookRequest(
      new Request("http://127.0.0.1/api/webhooks/stripe", {
        method: "POST",
        headers: { "content-length": "2000000", "stripe-signature": "t=1,v1=x" },
        body: `{"id":"evt_${randomUUID()}"}`,
      }),
      db,
      billing,
    );
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
  });
});
