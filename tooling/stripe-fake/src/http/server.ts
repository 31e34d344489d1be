// The fake's HTTP server: Stripe's API under /v1/, the fake's control endpoints under /_fake/,
// and the hosted pages.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeContext } from "../context.ts";
import { FakeStripeError } from "../errors.ts";
import { parseForm } from "../form.ts";
import { handleApi } from "./api.ts";
import { handleControl, parseControlBody } from "./control.ts";
import { handlePage } from "./pages.ts";
import { sendJson } from "./responses.ts";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) {
        reject(new FakeStripeError(413, "Request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function handle(ctx: FakeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const path = url.pathname;
  const raw = await readBody(req);
  if (path.startsWith("/v1/")) {
    handleApi(ctx, req, res, method, path, parseForm(url.search.slice(1)), raw);
    return;
  }
  if (path.startsWith("/_fake/")) {
    try {
      await handleControl(
        ctx,
        res,
        method,
        path,
        parseControlBody(raw, req.headers["content-type"]),
      );
    } catch (error) {
      if (!(error instanceof FakeStripeError)) throw error;
      sendJson(res, error.status, error);
    }
    return;
  }
  if (await handlePage(ctx, res, method, path, raw)) return;
  sendJson(res, 404, new FakeStripeError(404, `Unrecognized request URL (${method}: ${path}).`));
}

/** Listens on 127.0.0.1 (`port` 0: a free one) and answers from `ctx`. */
export async function listen(
  ctx: FakeContext,
  port: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      console.error("[stripe-fake] request failed:", error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = error instanceof FakeStripeError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, status, { error: { type: "api_error", message } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
