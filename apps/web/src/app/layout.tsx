import { AppDocument } from "@credits/credits/react";
import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "@credits/ui/styles.css";

export const metadata: Metadata = {
  title: { default: "Credits", template: "%s · Credits" },
  description: "Your credits: balances, history, purchases and subscriptions.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Every page renders per request, so that Next.js puts this request's CSP nonce on its scripts
// (src/proxy.ts); a page rendered at build time would carry none and its scripts would be blocked.
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return <AppDocument>{children}</AppDocument>;
}
