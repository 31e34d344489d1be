import { plans } from "@credits/credits";
import type { Metadata } from "next";
import { BulkGrant } from "./bulk-grant.tsx";

export const metadata: Metadata = { title: "Bulk grant" };

export default function BulkGrantPage() {
  // Tier names come from the plan catalog here: the package's entry point is server code.
  return <BulkGrant plans={plans} />;
}
