// The errors the fake answers with, in Stripe's error shape, so the SDK raises its own error types.

/** An error answered with Stripe's error shape; simulation methods throw it too. */
export class FakeStripeError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  readonly param: string | undefined;
  constructor(
    status: number,
    message: string,
    extra: { type?: string; code?: string; param?: string } = {},
  ) {
    super(message);
    this.name = "FakeStripeError";
    this.status = status;
    this.type = extra.type ?? "invalid_request_error";
    this.code = extra.code;
    this.param = extra.param;
  }
  toJSON(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
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
