// Every HTTP request the credits package serves (the REST API, the Stripe webhook, tRPC) passes
// here once: it gets a request id, on every log line written while serving it and in the
// `x-request-id` response header; it is counted and timed per route in the metrics; and it ends
// with one log line. Nothing of the request itself (headers, tokens, bodies) is logged.
import { randomUUID } from "node:crypto";
import { asDomainError } from "../errors.ts";
import { logFailure } from "../observability/failures.ts";
import { log, withRequestId } from "../observability/logger.ts";
import { metrics } from "../observability/metrics.ts";

/** A caller's own request id is kept when it is a plain token (so it cannot forge log fields). */
const requestIdPattern = /^[\w.:-]{1,100}$/;

/** What observing needs of a request: a Fetch `Request`, or the REST handler's own (rest/handler.ts). */
export interface ObservableRequest {
  method: string;
  headers: { get(name: string): string | null };
}

export function requestIdOf(request: ObservableRequest): string {
  const given = request.headers.get("x-request-id");
  return given && requestIdPattern.test(given) ? given : randomUUID();
}

export interface ObservedRequest {
  readonly requestId: string;
  /** The route template the request is counted under; `serve` narrows it once it knows. */
  route: string;
}

/**
 * How an observed server shapes its answers: the answer to an escaping error, and an answer with
 * the request id header added. The Fetch API's are `fetchAnswers`; the REST handler has its own.
 */
export interface AnswerShape<T extends { status: number }> {
  failure(error: unknown): T;
  withRequestId(answer: T, requestId: string): T;
}

/**
 * Serves `request` with `serve`, observed as described above. An escaping error is answered as its
 * domain error when it is one (a lost database is a 503 with Retry-After), else as a plain 500.
 */
export function observeServing<T extends { status: number }>(
  request: ObservableRequest,
  route: string,
  shape: AnswerShape<T>,
  serve: (observed: ObservedRequest) => Promise<T>,
): Promise<T> {
  const observed: ObservedRequest = { requestId: requestIdOf(request), route };
  return withRequestId(observed.requestId, async () => {
    const started = performance.now();
    let answer: T;
    try {
      answer = await serve(observed);
    } catch (error) {
      logFailure(error, { route: observed.route });
      answer = shape.failure(error);
    }
    answer = shape.withRequestId(answer, observed.requestId);
    const seconds = (performance.now() - started) / 1000;
    const { httpRequests, httpDuration } = metrics();
    const labels = { method: request.method, route: observed.route };
    httpRequests.inc({ ...labels, status: String(answer.status) });
    httpDuration.observe(labels, seconds);
    log(answer.status >= 500 ? "error" : "info", "request", {
      ...labels,
      status: answer.status,
      durationMs: Math.round(seconds * 1000),
    });
    return answer;
  });
}

/** `observeServing` for the Fetch API's requests and responses (tRPC, the Stripe webhook). */
export function observeRequest(
  request: Request,
  route: string,
  serve: (observed: ObservedRequest) => Promise<Response>,
): Promise<Response> {
  return observeServing(request, route, fetchAnswers, serve);
}

const fetchAnswers: AnswerShape<Response> = {
  failure: failureResponse,
  withRequestId: (response, requestId) => withHeaders(response, { "x-request-id": requestId }),
};

/** The status, body and headers that answer an escaping error. */
export function failureOf(error: unknown): {
  status: number;
  body: { error: { code: string; message: string } };
  headers: Record<string, string>;
} {
  const domainError = asDomainError(error);
  const body = domainError
    ? { code: domainError.kind, message: domainError.message }
    : {
        code: "internal",
        message: "Something went wrong on our side. Please try again in a moment.",
      };
  return {
    status: domainError?.httpStatus ?? 500,
    body: { error: body },
    headers: { "cache-control": "no-store", ...domainError?.headers },
  };
}

function failureResponse(error: unknown): Response {
  const { status, body, headers } = failureOf(error);
  return Response.json(body, { status, headers });
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const setAll = (target: Response) => {
    for (const [name, value] of Object.entries(headers)) target.headers.set(name, value);
    return target;
  };
  try {
    return setAll(response);
  } catch {
    // Some responses (e.g. redirects) have immutable headers: copy them into a new response.
    return setAll(new Response(response.body, response));
  }
}
