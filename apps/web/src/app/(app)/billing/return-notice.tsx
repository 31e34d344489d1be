"use client";

import { Alert } from "@credits/ui";
import { useEffect, useState } from "react";

/**
 * Where the user came back from Stripe Checkout, if they did: a message for each outcome. The
 * "will appear in a few seconds" part becomes "is here" once what was paid for has appeared: a
 * paid plan (`planActive`), or a balance (`available`) other than the one the page first showed.
 */
export function ReturnNotice({
  checkout,
  purchase,
  card,
  planActive,
  available,
}: {
  checkout?: string;
  purchase?: string;
  card?: string;
  planActive: boolean | undefined;
  available: number | undefined;
}) {
  const returned = Boolean(checkout || purchase || card);
  const [firstAvailable, setFirstAvailable] = useState<number | undefined>(undefined);
  if (firstAvailable === undefined && available !== undefined) setFirstAvailable(available);
  useEffect(() => {
    // Shown once: a reload or a bookmark of the page later must not thank them again.
    if (returned) window.history.replaceState(window.history.state, "", window.location.pathname);
  }, [returned]);
  const arrived =
    checkout === "success"
      ? planActive === true
      : firstAvailable !== undefined && available !== firstAvailable;
  if (checkout === "success" || purchase === "success") {
    const what = checkout ? "plan" : "credits";
    return (
      <Alert tone="success">
        Thank you! Your payment went through.{" "}
        {arrived
          ? `Your ${checkout ? "new plan is active" : "credits are here"}.`
          : `Your ${what} will appear here within a few seconds, as soon as Stripe confirms it.`}
      </Alert>
    );
  }
  if (card === "saved") {
    return (
      <Alert tone="success">
        Your card is saved. It shows under Auto top-up as soon as Stripe confirms it (a few
        seconds); then turn auto top-up on.
      </Alert>
    );
  }
  if (checkout === "canceled" || purchase === "canceled" || card === "canceled") {
    return <Alert tone="info">Checkout was canceled; nothing was charged.</Alert>;
  }
  return null;
}
