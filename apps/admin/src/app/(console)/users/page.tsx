import type { Metadata } from "next";
import { UserSearch } from "./user-search.tsx";

export const metadata: Metadata = { title: "Users" };

export default function UsersPage() {
  return <UserSearch />;
}
