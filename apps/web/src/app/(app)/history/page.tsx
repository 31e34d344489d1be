import type { Metadata } from "next";
import { History } from "./history.tsx";

export const metadata: Metadata = { title: "History" };

export default function HistoryPage() {
  return <History />;
}
