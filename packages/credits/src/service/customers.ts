// Other backends name their users by their own ids. A reference is either this platform's user id
// (a UUID) or the backend's own id for the user (its external id: 1-128 letters, digits and
// `._:@-`). A UUID-shaped reference names the user with that platform id if there is one, else the
// user with that external id, so backends whose own ids are UUIDs work unchanged. Crediting an
// unknown reference creates its customer (once, however many requests race: external ids are
// unique); reading one finds nothing and creates nothing. See docs/customers.md.
import { InsufficientCreditsError, InvariantError } from "../errors.ts";
import type { Queryable } from "./types.ts";

export const customerRefPattern = /^[A-Za-z0-9._:@-]{1,128}$/;
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * References resolved before, per database client: a reference never changes its user (platform
 * ids are fixed, external ids are never reassigned), so only found users are remembered. Bounded,
 * oldest first out; one client per database, so scratch databases of the tests never mix.
 */
const resolved = new WeakMap<object, Map<string, string>>();
const maxRemembered = 100_000;

function remembered(db: Queryable): Map<string, string> {
  let known = resolved.get(db);
  if (!known) {
    known = new Map();
    resolved.set(db, known);
  }
  return known;
}

function remember(db: Queryable, ref: string, userId: string): string {
  const known = remembered(db);
  if (known.size >= maxRemembered) {
    const oldest = known.keys().next().value;
    if (oldest !== undefined) known.delete(oldest);
  }
  known.set(ref, userId);
  return userId;
}

/** The platform id of the user `ref` names, or null when there is none (nothing is created). */
export async function findCustomer(db: Queryable, ref: string): Promise<string | null> {
  const known = remembered(db).get(ref);
  if (known) return known;
  const rows = uuidShape.test(ref)
    ? await db.$queryRaw<{ id: string }[]>`
        SELECT id FROM users WHERE id = ${ref.toLowerCase()}::uuid OR external_id = ${ref}
        ORDER BY (id = ${ref.toLowerCase()}::uuid) DESC LIMIT 1`
    : await db.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE external_id = ${ref}`;
  const found = rows[0];
  return found ? remember(db, ref, found.id) : null;
}

/** The platform id of the user `ref` names, creating the customer when nobody has that id yet. */
export async function findOrCreateCustomer(db: Queryable, ref: string): Promise<string> {
  const found = await findCustomer(db, ref);
  if (found) return found;
  const [created] = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO users (id, external_id, updated_at) VALUES (gen_random_uuid(), ${ref}, now())
    ON CONFLICT (external_id) DO NOTHING
    RETURNING id`;
  if (created) return remember(db, ref, created.id);
  // A concurrent first request created it: its row is committed, since the conflict waited for it.
  const [winner] = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM users WHERE external_id = ${ref}`;
  if (!winner) throw new InvariantError("a customer that conflicted on insert cannot be found");
  return remember(db, ref, winner.id);
}

/**
 * The platform id of the user a debit of `amount` names; an unknown user has nothing to spend, so
 * the answer is the one of an empty account (402 with 0 available), as the original design has it.
 */
export async function customerToDebit(db: Queryable, ref: string, amount: number): Promise<string> {
  const found = await findCustomer(db, ref);
  if (!found) throw new InsufficientCreditsError(amount, 0);
  return found;
}
