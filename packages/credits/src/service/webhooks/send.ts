// One HTTP attempt of a delivery: POST the signed body, wait at most the timeout, follow no
// redirect (a 3xx is a failed attempt: the endpoint should be configured with its final URL),
// and keep only the first bytes of the answer for the delivery log.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { guardedLookup, hostOf, isPrivateAddress, RefusedAddressError } from "./url-safety.ts";

/** How much of an answer's body the delivery log keeps. */
export const responseExcerptLimit = 1_000;

export interface AttemptOutcome {
  /** The answer's status, or null when none came. */
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string;
  /** Why there was no usable answer (timeout, refused address, connection error). */
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

/** Whether an attempt counts as delivered: any 2xx answer. */
export function delivered(outcome: AttemptOutcome): boolean {
  return outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
}

/** Sends one webhook request; never throws (a failure is an outcome with its error). */
export function sendWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string): AttemptOutcome => ({
    statusCode: null,
    durationMs: elapsed(),
    responseExcerpt: "",
    error,
  });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve(failed("the endpoint's URL is not valid"));
  }
  const host = hostOf(url);
  if (!options.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
    return Promise.resolve(failed(new RefusedAddressError(host).message));
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(outcome);
    };
    const request = send(
      url,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body).toString(),
          "user-agent": "credits-webhooks/1",
        },
        lookup: guardedLookup(options.allowPrivate),
      },
      (response) => {
        const answered = (error: string | null) =>
          finish({
            statusCode: response.statusCode ?? null,
            durationMs: elapsed(),
            responseExcerpt: Buffer.concat(chunks).toString("utf8").slice(0, responseExcerptLimit),
            error,
          });
        response.on("data", (chunk: Buffer) => {
          if (kept < responseExcerptLimit) {
            chunks.push(chunk.subarray(0, responseExcerptLimit - kept));
            kept += Math.min(chunk.length, responseExcerptLimit - kept);
          }
          // The rest of a long answer is not needed: stop reading it.
          if (kept >= responseExcerptLimit) answered(null);
        });
        response.on("end", () => answered(null));
        response.on("error", () => answered(null));
      },
    );
    const timer = setTimeout(
      () => finish(failed(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on("error", (error) => finish(failed(error.message)));
    request.end(body);
  });
}
