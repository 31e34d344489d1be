"use client";

import { Alert } from "@credits/ui";
import { useEffect } from "react";

/** Where the user came back from Stripe Checkout, if they did: a message for each outcome. */
export function ReturnNotice({ checkout, purchase }: { checkout?: string; purchase?: string }) {
  const returned = Boolean(checkout || purchase);
  useEffect(() => {
    // Shown once: a reload or a bookmark of the page later must not thank them again.
    if (returned) window.history.replaceState(window.history.state, "", window.location.pathname);
  }, [returned]);
  if (checkout === "success" || purchase === "success") {
    return (
      <Alert tone="success">
        Thank you! Your payment went through. Your {checkout ? "plan" : "credits"} will appear here
        within a few seconds, as soon as Stripe confirms it.
      </Alert>
    );
  }
  if (checkout === "canceled" || purchase === "canceled") {
    return <Alert tone="info">Checkout was canceled; nothing was charged.</Alert>;
  }
  return null;
}
