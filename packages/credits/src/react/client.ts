"use client";

import { TRPCClientError } from "@trpc/client";
import { useCallback, useState } from "react";

interface ErrorData {
  code?: string;
  available?: number | null;
  fieldErrors?: Record<string, string[] | undefined> | null;
}

/** What went wrong, in words for the person using the page, and the code and field errors if any. */
export function describeError(error: unknown): { message: string; code?: string; data: ErrorData } {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    if (!data.code)
      return {
        message: "We could not reach the server. Check your connection and try again.",
        data,
      };
    return { message: error.message, code: data.code, data };
  }
  return { message: "Something went wrong. Please try again.", data: {} };
}

/**
 * The error of one form field, as a sentence: the schemas' messages are phrases that follow the
 * field's label ("must be at least 10 characters"), the services' are sentences already.
 */
export function fieldErrorMessage(error: unknown, field: string, label: string): string | null {
  const message = error ? describeError(error).data.fieldErrors?.[field]?.[0] : undefined;
  if (!message) return null;
  return /^[a-z]/.test(message) ? `${label} ${message}.` : message;
}

/**
 * One idempotency key per intended action: kept while the action is retried or double-clicked,
 * renewed once it has succeeded, so the next action is a new one.
 */
export function useIdempotencyKey(): [string, () => void] {
  const [key, setKey] = useState(() => crypto.randomUUID());
  return [key, useCallback(() => setKey(crypto.randomUUID()), [])];
}
