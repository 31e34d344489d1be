// The errors the fake answers with, in Stripe's error shape, so the SDK raises its own error types.

/** An error answered with Stripe's error shape; simulation methods throw it too. */
export class FakeStripeError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  readonly param: string | undefined;
  /** More fields of Stripe's error object, e.g. a card error's `decline_code` and `payment_intent`. */
  readonly details: Record<string, unknown>;
  constructor(
    status: number,
    message: string,
    extra: { type?: string; code?: string; param?: string; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "FakeStripeError";
    this.status = status;
    this.type = extra.type ?? "invalid_request_error";
    this.code = extra.code;
    this.param = extra.param;
    this.details = extra.details ?? {};
  }
  toJSON(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = {
      ...this.details,
      type: this.type,
      message: this.message,
    };
    if (this.code) error.code = this.code;
    if (this.param) error.param = this.param;
    return { error };
  }
}

export const noSuch = (kind: string, id: string, status = 404, param = "id") =>
  new FakeStripeError(status, `No such ${kind}: '${id}'`, { code: "resource_missing", param });

export const missing = (param: string) =>
  new FakeStripeError(400, `Missing required param: ${param}.`, {
    code: "parameter_missing",
    param,
  });
