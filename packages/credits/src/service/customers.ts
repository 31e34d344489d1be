// Other backends name their users by their own ids. A reference is either this platform's user id
// (a UUID) or the backend's own id for the user (its external id: 1-128 letters, digits and
// `._:@-`). A UUID-shaped reference names the user with that platform id if there is one, else the
// user with that external id, so backends whose own ids are UUIDs work unchanged. Crediting an
// unknown reference creates its customer (once, however many requests race: external ids are
// unique); reading one finds nothing and creates nothing. See docs/customers.md.
import { createSignInLink } from "@credits/auth";
import { type Database, Prisma } from "@credits/db";
import {
  InsufficientCreditsError,
  InvariantError,
  NotFoundError,
  StateConflictError,
} from "../errors.ts";
import { auditAction } from "./audit.ts";
import type { Actor, Queryable } from "./types.ts";

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

export interface Customer {
  userId: string;
  externalId: string | null;
  email: string | null;
  name: string | null;
  createdAt: Date;
}

interface CustomerRow {
  id: string;
  external_id: string | null;
  email: string | null;
  name: string | null;
  created_at: Date;
}

const customerOf = (row: CustomerRow): Customer => ({
  userId: row.id,
  externalId: row.external_id,
  email: row.email,
  name: row.name,
  createdAt: row.created_at,
});

/** The customer `ref` names; NotFoundError when nobody has that id. */
export async function getCustomer(db: Queryable, ref: string): Promise<Customer> {
  const userId = await findCustomer(db, ref);
  const [row] = userId
    ? await db.$queryRaw<CustomerRow[]>`
        SELECT id, external_id, email, name, created_at FROM users WHERE id = ${userId}::uuid`
    : [];
  if (!row) throw new NotFoundError("user", ref);
  return customerOf(row);
}

/** A database refusal of an email another user has (the unique index), whatever the driver says. */
function isEmailTaken(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return error.code === "P2002" || JSON.stringify(error.meta ?? {}).includes("23505");
}

/**
 * Creates or updates the customer `ref` names (idempotent: the same call twice changes nothing).
 * A name replaces the stored one; an email is set only on a customer without one, since it is what
 * a web sign-in (an OAuth sign-in with that verified email) links by, and it must not move an
 * account's identity. An email another user has is a conflict, which changes nothing. A call that
 * created or changed the customer is audited (a service token's with its `created_by`).
 */
export async function upsertCustomer(
  db: Database,
  actor: Actor,
  input: { ref: string; email?: string; name?: string },
): Promise<Customer> {
  const existing = await findCustomer(db, input.ref);
  const userId = existing ?? (await findOrCreateCustomer(db, input.ref));
  try {
    return await db.$transaction(async (tx) => {
      const [before] = await tx.$queryRaw<CustomerRow[]>`
        SELECT id, external_id, email, name, created_at FROM users WHERE id = ${userId}::uuid
        FOR UPDATE`;
      const [row] = await tx.$queryRaw<CustomerRow[]>`
        UPDATE users SET name = COALESCE(${input.name ?? null}, name),
          email = COALESCE(email, ${input.email ?? null}), updated_at = now()
        WHERE id = ${userId}::uuid
        RETURNING id, external_id, email, name, created_at`;
      if (!before || !row)
        throw new InvariantError("a customer that was just found cannot be updated");
      if (input.email && row.email !== input.email) {
        throw new StateConflictError(
          "This customer already has another email; an operator can change it in the admin app.",
        );
      }
      const after = { email: row.email, name: row.name };
      if (!existing || before.email !== row.email || before.name !== row.name) {
        await auditAction(tx, actor, {
          action: existing ? "customer.update" : "customer.create",
          targetUserId: userId,
          before: existing ? { email: before.email, name: before.name } : null,
          after: { externalId: row.external_id, ...after },
        });
      }
      return customerOf(row);
    });
  } catch (error) {
    if (isEmailTaken(error)) {
      throw new StateConflictError("Another user has this email; use a different one.");
    }
    throw error;
  }
}

export interface CustomerSignInLink {
  userId: string;
  /** The web app's page with the link's code, to open on `appUrl`; the code is shown only now. */
  path: string;
  /** The whole link when the web app's public URL (APP_URL) is known; null otherwise. */
  url: string | null;
  expiresAt: Date;
}

/**
 * Makes a sign-in link for the customer `ref` names, which lets the person behind it choose a
 * password on the web app (see @credits/auth's sign-in-links.ts for who may get one). An operator's
 * link is audited with their reason. A new link replaces the customer's earlier one.
 */
export async function createCustomerSignInLink(
  db: Database,
  actor: Actor,
  input: { ref: string; reason?: string; appUrl: string | null },
): Promise<CustomerSignInLink> {
  const userId = await findCustomer(db, input.ref);
  if (!userId) throw new NotFoundError("user", input.ref);
  return db.$transaction(async (tx) => {
    const link = await createSignInLink(tx, userId);
    await auditAction(tx, actor, {
      action: "user.sign_in_link_created",
      targetUserId: userId,
      reason: input.reason ?? null,
      after: { expiresAt: link.expiresAt.toISOString() },
    });
    const url = input.appUrl ? new URL(link.path, input.appUrl).toString() : null;
    return { userId, path: link.path, url, expiresAt: link.expiresAt };
  });
}
