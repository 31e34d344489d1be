// Writing an answer, with the request-id header Stripe puts on every response.
import type { ServerResponse } from "node:http";
import { newId } from "../objects.ts";

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "request-id": newId("req_", 14),
    ...headers,
  });
  res.end(body);
}

export const sendJson = (res: ServerResponse, status: number, value: unknown, headers = {}) =>
  send(res, status, JSON.stringify(value), "application/json", headers);
export const sendHtml = (res: ServerResponse, status: number, html: string) =>
  send(res, status, html, "text/html; charset=utf-8");
