import type { Metadata } from "next";
import { ServiceTokens } from "./service-tokens.tsx";

export const metadata: Metadata = { title: "Service tokens" };

export default function ServiceTokensPage() {
  return <ServiceTokens />;
}
