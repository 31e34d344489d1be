import { AppDocument } from "@credits/credits/react";
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "@credits/ui/styles.css";

export const metadata: Metadata = {
  title: { default: "Credits admin", template: "%s · Credits admin" },
  description: "Operator console of the credits platform.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return <AppDocument>{children}</AppDocument>;
}
