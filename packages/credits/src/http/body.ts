// Reading request bodies with a size limit that holds whether or not the client declares the size:
// a chunked upload without content-length is read as a stream and dropped at the limit, so an
// endless body costs at most the limit in memory, never the whole of it. The connection of a body
// refused so cannot carry another request: the rest of the body is still on it.

/**
 * Headers of the answer to a body refused unread. What is left of the body would be read as the
 * next request, so the connection closes after the answer; a keep-alive proxy would otherwise send
 * another client's request into it.
 */
export const closeConnection = { connection: "close" } as const;

/**
 * The body as UTF-8 text, or null when it is larger than `maxBytes` (declared so by
 * content-length, or found so while streaming, in which case the rest is never read).
 */
export async function readTextWithin(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not cancelled: under Node that destroys the socket before the 413 is sent. The answer
      // closes the connection instead (closeConnection).
      reader.releaseLock();
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
