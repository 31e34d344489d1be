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
 * One idempotency key per intended action: kept while the action is retried or double-clicked,
 * renewed once it has succeeded, so the next action is a new one.
 */
export function useIdempotencyKey(): [string, () => void] {
  const [key, setKey] = useState(() => crypto.randomUUID());
  return [key, useCallback(() => setKey(crypto.randomUUID()), [])];
}
