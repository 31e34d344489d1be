import type { Metadata } from "next";
import { BulkGrant } from "./bulk-grant.tsx";

export const metadata: Metadata = { title: "Bulk grant" };

export default function BulkGrantPage() {
  return <BulkGrant />;
}
