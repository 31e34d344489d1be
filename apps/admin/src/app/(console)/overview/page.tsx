import { plans } from "@credits/credits";
import type { Metadata } from "next";
import { Overview } from "./overview.tsx";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  // Plan names come from the catalog here: the package's entry point is server code.
  return <Overview plans={plans} />;
}
