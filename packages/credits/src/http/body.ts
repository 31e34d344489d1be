// Reading request bodies with a size limit that holds whether or not the client declares the size:
// a chunked upload without content-length is read as a stream and dropped at the limit, so an
// endless body costs at most the limit in memory, never the whole of it.
//
// What is left of a refused body is still on the connection, in front of any next request. It is
// read and dropped after the answer (discardRest), within bounds: a connection whose body ends
// soon carries the next request as usual, and a client still sending gets its answer rather than
// a reset. (Closing at once instead resets the connection under a client that is still writing,
// which then often loses the answer; a kept-alive connection with the body unread never reads the
// next request.)

import type { IncomingMessage } from "node:http";

/** How long and how much of a refused body is still read, to be dropped. */
const discardLimits = { ms: 5_000, bytes: 4 * 1024 * 1024, graceMs: 250 };

/**
 * Reads and drops the rest of a body in the background, until it ends, or 5 seconds have passed,
 * or more than 4 MiB came once the answer has had a quarter second to go out; then the body is
 * cancelled and its connection closed (by the Node adapter at once, node-server.ts; by Next.js's
 * App-Router routes at its keep-alive timeout).
 */
export function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  const started = Date.now();
  const cutOff = () => reader.cancel().catch(() => undefined);
  const timer = setTimeout(cutOff, discardLimits.ms);
  timer.unref();
  // From the next turn of the event loop: the answer is written first.
  setImmediate(async () => {
    let dropped = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        dropped += value.byteLength;
        if (dropped > discardLimits.bytes && Date.now() - started > discardLimits.graceMs) {
          await cutOff();
          break;
        }
      }
    } catch {
      // The client went away, or the body was cut off: nothing is left to drop.
    } finally {
      clearTimeout(timer);
    }
  });
}

/**
 * The body as UTF-8 text, or null when it is larger than `maxBytes` (declared so by
 * content-length, or found so while streaming); the rest of a refused body is dropped.
 */
export async function readTextWithin(request: Request, maxBytes: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    discardRest(reader);
    return null;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      discardRest(reader);
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * `readTextWithin` for a Node request, read from Node's own stream (no Web stream around it). A
 * refused body's rest is dropped as `discardRest` drops it; a body the client cut off rejects.
 */
export function readNodeTextWithin(
  incoming: IncomingMessage,
  maxBytes: number,
): Promise<string | null> {
  if (Number(incoming.headers["content-length"] ?? 0) > maxBytes) {
    setImmediate(() => discardNodeRest(incoming));
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      // From the next turn of the event loop, once the 413 is written: reading on at once would
      // let a fast client push the rest past the bounds before it has its answer.
      setImmediate(() => discardNodeRest(incoming));
      resolve(null);
    };
    const onEnd = () => {
      stop();
      resolve(new TextDecoder().decode(Buffer.concat(chunks)));
    };
    const onClose = () => {
      stop();
      reject(new Error("the request body ended before it was complete"));
    };
    incoming.on("data", onData);
    incoming.once("end", onEnd);
    incoming.once("close", onClose);
  });
}

/** `discardRest` for a Node request: its rest is read and dropped within the same bounds. */
export function discardNodeRest(incoming: IncomingMessage): void {
  const started = Date.now();
  let dropped = 0;
  const cutOff = () => {
    clearTimeout(timer);
    incoming.off("data", onData);
    // node-server.ts closes the connection of a body that did not end.
    incoming.destroy();
  };
  const timer = setTimeout(cutOff, discardLimits.ms);
  timer.unref();
  const onData = (chunk: Buffer) => {
    dropped += chunk.byteLength;
    if (dropped > discardLimits.bytes && Date.now() - started > discardLimits.graceMs) cutOff();
  };
  incoming.once("close", () => clearTimeout(timer));
  // Before Node's own dump of an unread body (once the answer is out) can take over: it drops
  // these listeners and reads without bounds.
  incoming.on("data", onData);
  incoming.resume();
}
