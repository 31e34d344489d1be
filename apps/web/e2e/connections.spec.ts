import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { expect, test } from "@playwright/test";
import { e2eServiceToken, firstInstanceUrl } from "./environment.ts";

// The running app (`next start`) on one keep-alive connection, as a proxy in front of it uses one:
// a chunked body over the limit, then another request behind it. The app answers 413, reads the
// rest of the body and drops it, and answers the request behind it: nothing sent after a refused
// body is misread or left unanswered. REST (a Pages-Router route on the package's Node adapter),
// the Stripe webhook and tRPC (App-Router routes) alike.

/** The status lines and `connection` headers received on one socket, and how it ended. */
function onOneConnection(bytes: Buffer): Promise<{ answers: string[]; end: string }> {
  const { hostname, port } = new URL(firstInstanceUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    let end = "left open by the app";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
    });
    socket.on("end", () => {
      end = "closed";
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      end = `reset (${error.code})`;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const answers = [
        ...received.matchAll(
          /HTTP\/1\.1 (\d{3})(?:(?!\r\n\r\n)[\s\S])*?\r\nconnection: ([\w-]+)/gi,
        ),
      ];
      resolve({ answers: answers.map(([, status, connection]) => `${status} ${connection}`), end });
    });
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.write(bytes);
  });
}

/** A POST with a chunked body of 2 MiB (over both limits), finished, then a GET behind it. */
function oversizedThenAnother(path: string, headers: string): Buffer {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const chunks = Array.from({ length: 32 }, () => [
    Buffer.from(`${chunk.length.toString(16)}\r\n`),
    chunk,
    Buffer.from("\r\n"),
  ]).flat();
  return Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    ),
    ...chunks,
    Buffer.from("0\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
  ]);
}

test("[WEB][API] a REST body over the limit gets 413, and the request behind it its own answer", async () => {
  const sent = await onOneConnection(
    oversizedThenAnother(
      `/api/credits/${randomUUID()}/add`,
      `Authorization: Bearer ${e2eServiceToken}\r\n`,
    ),
  );
  expect(sent).toEqual({ answers: ["413 keep-alive", "200 close"], end: "closed" });
});

test("[WEB][API] a webhook body over the limit gets 413, and the request behind it its own answer", async () => {
  const sent = await onOneConnection(
    oversizedThenAnother("/api/webhooks/stripe", "Stripe-Signature: t=1,v1=x\r\n"),
  );
  expect(sent).toEqual({ answers: ["413 keep-alive", "200 close"], end: "closed" });
});

test("[WEB][API] a tRPC body over the limit gets 413, and the request behind it its own answer", async () => {
  const sent = await onOneConnection(oversizedThenAnother("/api/trpc/auth.signUp", ""));
  expect(sent).toEqual({ answers: ["413 keep-alive", "200 close"], end: "closed" });
});

test("[WEB][API] a connection whose requests were read is kept alive for the next one", async () => {
  const sent = await onOneConnection(
    Buffer.from(
      "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    ),
  );
  expect(sent).toEqual({ answers: ["200 keep-alive", "200 close"], end: "closed" });
});
