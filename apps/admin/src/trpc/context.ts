import type { CreditsContext } from "@credits/credits";
import { getDb } from "@credits/db";

/**
 * The caller's context for the shared router. Sessions arrive with the auth package; until then
 * every caller is anonymous, which protected procedures refuse.
 */
export async function createContext(): Promise<CreditsContext> {
  return { db: getDb(), session: null };
}
